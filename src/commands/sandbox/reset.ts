import { defineCommand, value } from '../define.js';
import { sandboxUrlOption } from './sandbox-url-option.js';

export const reset = defineCommand({
  name: 'reset',
  summary: 'forget everything in a running sandbox and seed a scenario again',
  options: {
    scenario: value('--scenario <name>', 'demo or empty (default: the one it started with)'),
    ...sandboxUrlOption,
  },
  async run(ctx, args, opts): Promise<void> {
    await (await import('./reset.run.js')).run(ctx, args, opts);
  },
});
