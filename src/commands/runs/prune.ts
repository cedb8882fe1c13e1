import { defineCommand, flag, value } from '../define.js';

export const prune = defineCommand({
  name: 'prune',
  summary: 'delete the journals (and plans) of runs last written longer ago than a duration',
  options: {
    olderThan: value('--older-than <duration>', 'runs whose journal was last written longer ago than this, e.g. 30d, 12w', { mandatory: true }),
    dryRun: flag('--dry-run', 'list what would be deleted; delete nothing'),
    yes: flag('-y, --yes', 'delete without asking (required without a terminal)'),
  },
  help: `Running runs are never deleted. An interrupted run older than the duration is (it can no longer be resumed).
The runs deleted (or, with --dry-run, those that would be) are listed on stdout.`,
  examples: ['nsx runs prune --older-than 30d --dry-run', 'nsx runs prune --older-than 30d --yes'],
  footer: 'Exit codes: 2 not a duration; 3 not confirmed (in a terminal) or no --yes (without one).',
  async run(ctx, args, opts): Promise<void> {
    await (await import('./prune.run.js')).run(ctx, args, opts);
  },
});
