import { defineCommand, flag, value } from '../define.js';

export const deleteIntegration = defineCommand({
  name: 'delete',
  aliases: ['rm'],
  summary: 'delete an integration with its log entries and rejected events (cannot be undone)',
  args: ['<id>'],
  options: {
    yes: flag('-y, --yes', 'do not ask to type the id (required when there is no terminal)'),
    export: value('--export <dir>', 'first write integration.json, logs.ndjson and rejected-events.ndjson to DIR; no delete if that fails'),
  },
  help: `In a terminal you type the id to confirm; without one pass --yes, or nsx exits 3.
NewStore deletes the integration's log entries and rejected events with it: --export keeps a copy
(secrets masked, files owner-only). If the export fails, nothing is deleted.`,
  examples: ['nsx integrations delete old-erp', 'nsx integrations delete old-erp --export ./backups/old-erp --yes'],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./delete.run.js')).run(ctx, args, opts);
  },
});
