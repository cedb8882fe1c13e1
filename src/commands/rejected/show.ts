import { defineCommand } from '../define.js';

export const show = defineCommand({
  name: 'show',
  summary: "one rejected event: its payload and the receiver's answer (--json: the whole object)",
  args: ['<id>', '<event-id>'],
  examples: ['nsx rejected show erp-orders evt-00000169', 'nsx rejected show erp-orders evt-00000169 --json | jq .event.payload'],
  async run(ctx, args): Promise<void> {
    await (await import('./show.run.js')).run(ctx, args);
  },
});
