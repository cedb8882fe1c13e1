import { defineCommand } from '../define.js';

export const get = defineCommand({
  name: 'get',
  summary: 'print one key of the selected profile',
  args: ['<key>'],
  async run(ctx, args): Promise<void> {
    await (await import('./get.run.js')).run(ctx, args);
  },
});
