import { defineCommand } from '../define.js';

export const start = defineCommand({
  name: 'start',
  aliases: ['resume'],
  summary: 'start (resume) an integration: delivery resumes where it stopped',
  args: ['<id>'],
  help: `Starting a running integration does nothing. An integration stopped at the rejected-events limit stops
again at the next rejection: handle its rejected events first (nsx recover ID does both).`,
  examples: ['nsx integrations start erp-orders', 'nsx integrations start erp-orders --json'],
  async run(ctx, args): Promise<void> {
    await (await import('./start.run.js')).run(ctx, args);
  },
});
