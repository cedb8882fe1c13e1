import { defineCommand } from '../define.js';

export const use = defineCommand({
  name: 'use',
  summary: 'make a profile the current one',
  args: ['<profile>'],
  async run(ctx, args): Promise<void> {
    await (await import('./use.run.js')).run(ctx, args);
  },
});
