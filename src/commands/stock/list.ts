import { defineCommand, LIST_OPTIONS, value } from '../define.js';

// IMPORT_STATES of src/api/schemas.ts, repeated: building the command tree loads commander only (no zod).
const IMPORT_STATES = ['received', 'waiting', 'processing', 'finished', 'failed'] as const;

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list import jobs: id, state, name, provider, received_at, completed_at, reason',
  options: {
    ...LIST_OPTIONS,
    limit: value('--limit <n>', 'print at most N jobs'),
    state: value('--state <state>', 'only jobs in this state', { choices: IMPORT_STATES }),
  },
  help: `At most 20 jobs may be open (received or waiting); beyond that NewStore refuses new ones (429).
A table on a terminal, tab-separated when piped; --json / --output ndjson print whole jobs.`,
  examples: ['nsx stock list --state received', `nsx stock list --state failed --json | jq -r '.[] | "\\(.import_id) \\(.reason)"'`],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});
