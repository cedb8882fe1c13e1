import { defineCommand, flag, value } from '../define.js';
import { destinationOptions } from './destination-options.js';

export const replay = defineCommand({
  name: 'replay',
  summary: 'replay-by-date: a temporary integration that re-delivers the events of a time window, then stops',
  options: {
    ...destinationOptions,
    since: value('--since <time>', 'start of the window: ISO date/time or an age (2d = two days ago)', { mandatory: true }),
    until: value('--until <time>', 'end of the window: ISO date/time or an age (default: now)'),
    id: value('--id <id>', 'id of the temporary integration (default: replay-<since date>, made unique)'),
    wait: flag('--wait', 'wait until the replay has finished (the integration stopped)'),
    waitTimeout: value('--wait-timeout <duration>', 'with --wait: give up after this long, exit 7 (default: 30m)'),
    interval: value('--interval <duration>', 'with --wait: how often to check (default: 5s)'),
  },
  help: `The temporary integration counts toward the 25-integration limit until you delete it.
Ctrl-C while waiting exits 130; the replay goes on in NewStore.`,
  examples: [
    `nsx integrations replay --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z \\
      --callback-url https://erp.example.com/newstore --api-key-env ERP_API_KEY --events order.created --wait`,
    'nsx integrations replay --since 6h --callback-url https://erp.example.com/newstore --api-key-file key.txt --id replay-outage',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./replay.run.js')).run(ctx, args, opts);
  },
});
