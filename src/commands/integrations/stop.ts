import { defineCommand, flag } from '../define.js';

export const stop = defineCommand({
  name: 'stop',
  summary: 'stop an integration: no data flows to the ERP until it is started again',
  args: ['<id>'],
  options: {
    yes: flag('-y, --yes', 'do not ask (required when there is no terminal)'),
  },
  help: 'Asks for confirmation in a terminal; without one (scripts, CI) pass --yes, or nsx exits 3.',
  examples: ['nsx integrations stop wms-fulfillment', 'nsx integrations stop wms-fulfillment --yes --json'],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./stop.run.js')).run(ctx, args, opts);
  },
});
