import { defineCommand } from '../define.js';

export const triage = defineCommand({
  name: 'triage',
  summary: 'work through rejected events by hand in a terminal, grouped by how they failed (largest group first)',
  args: ['<id>'],
  help: `Groups: same event name, receiver status and answer (ids and numbers masked). For a group: view samples,
retry it, delete it (asks first), go through its events one by one, or skip it. Retries and deletes go
through the same engine and journal as nsx recover (oldest first; events of one entity one at a time).
At the end: a summary, an offer to start the integration when nothing is left, and the commands that do
the same without prompts. Needs a terminal (exit 3 otherwise: use nsx recover or nsx rejected retry).`,
  examples: ['nsx rejected triage erp-orders', 'nsx --sandbox rejected triage erp-orders'],
  async run(ctx, args): Promise<void> {
    await (await import('./triage.run.js')).run(ctx, args);
  },
});
