import { defineCommand, flag, value } from '../define.js';

export const status = defineCommand({
  name: 'status',
  summary: 'show an import job: state, reason, item errors; exit 6 when it failed',
  args: ['<import-id>'],
  options: {
    wait: flag('--wait', 'wait until it has finished or failed'),
    waitTimeout: value('--wait-timeout <duration>', 'how long to wait before exit 7 (default 30m; --timeout also sets it)'),
  },
  help: 'Exit codes: 0 finished (or still going, without --wait), 6 failed, 7 still going when --wait ran out.',
  examples: ['nsx stock status imp-3f9a2c01', 'nsx stock status imp-3f9a2c01 --wait --wait-timeout 1h --json | jq .state'],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./status.run.js')).run(ctx, args, opts);
  },
});
