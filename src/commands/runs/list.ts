import { defineCommand, LIST_OPTIONS, value } from '../define.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list the runs kept in the state dir, newest first',
  options: {
    ...LIST_OPTIONS,
    limit: value('--limit <n>', 'print at most N runs'),
    integration: value('--integration <id>', 'only the runs of this integration'),
    status: value('--status <status>', 'only runs with this status', { choices: ['running', 'finished', 'interrupted', 'failed'] }),
  },
  help: `Reads only the state dir (no request is sent). With --tenant, only that tenant's runs.
A table on a terminal, tab-separated when piped; --json prints every field (pid, results, journal path).`,
  examples: ['nsx runs list', 'nsx runs list --integration erp-orders --status failed', "nsx runs list --json | jq -r '.[] | select(.resumable) | .run_id'"],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});
