import { defineCommand, value } from '../define.js';
import { sandboxUrlOption } from './sandbox-url-option.js';

export const receiverRule = defineCommand({
  name: 'receiver-rule',
  summary: "change the running sandbox's demo receiver rule",
  args: ['<rule>'],
  options: {
    latency: value('--latency <ms>', 'answer after MS or MIN-MAX milliseconds (0 for none)'),
    ...sandboxUrlOption,
  },
  help: `Rules: accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob>, and the
receiver faults of nsx receiver check (listed in nsx sandbox receiver --help), e.g. dup-as-error.`,
  examples: [
    'nsx sandbox receiver-rule fail-all                 break every integration (503 for everything)',
    'nsx sandbox receiver-rule accept-all               the fix is deployed: now recover',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./receiver-rule.run.js')).run(ctx, args, opts);
  },
});
