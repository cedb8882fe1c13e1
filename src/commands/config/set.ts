import { defineCommand } from '../define.js';

export const set = defineCommand({
  name: 'set',
  summary: 'set a key of the selected profile (creates the profile)',
  args: ['<key>', '<value>'],
  async run(ctx, args): Promise<void> {
    await (await import('./set.run.js')).run(ctx, args);
  },
});
