import { defineCommand } from '../define.js';

export const unset = defineCommand({
  name: 'unset',
  summary: 'remove a key from the selected profile',
  args: ['<key>'],
  async run(ctx, args): Promise<void> {
    await (await import('./unset.run.js')).run(ctx, args);
  },
});
