import { defineCommand } from '../define.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list profiles and their keys (never secrets)',
  async run(ctx, args): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args);
  },
});
