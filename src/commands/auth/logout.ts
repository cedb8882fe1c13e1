import { defineCommand } from '../define.js';

export const logout = defineCommand({
  name: 'logout',
  summary: "forget a profile's client secret and cached tokens",
  async run(ctx, args): Promise<void> {
    await (await import('./logout.run.js')).run(ctx, args);
  },
});
