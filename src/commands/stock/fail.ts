import { defineCommand, flag, value } from '../define.js';

export const fail = defineCommand({
  name: 'fail',
  summary: 'set an import job to failed (frees its place among the 20 open jobs)',
  args: ['<import-id>'],
  options: {
    reason: value('--reason <text>', "why: NewStore keeps it as the job's reason (required)"),
    yes: flag('-y, --yes', 'do not ask (required when there is no terminal)'),
  },
  help: `The documented way out of the open-jobs limit when a job is stuck in received or waiting. A received,
waiting or processing job can be failed; a failed one is left as it is (exit 0); a finished one cannot
(exit 7). Asks in a terminal; without one pass --yes, or nsx exits 3.`,
  examples: [
    'nsx stock fail imp-3f9a2c01 --reason "stuck in received since 2026-11-30"',
    'nsx stock fail imp-3f9a2c01 --reason "superseded by a newer count" --yes --json',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./fail.run.js')).run(ctx, args, opts);
  },
});
