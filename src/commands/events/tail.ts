import { defineCommand, value } from '../define.js';
import { eventsSelectionOptions } from './options.js';

export const tail = defineCommand({
  name: 'tail',
  summary: 'print new delivery attempts as NewStore publishes them (Ctrl-C to stop)',
  options: {
    ...eventsSelectionOptions,
    since: value('--since <time>', 'print the attempts since then first: ISO date/time or an age such as 10m (default: now)'),
    interval: value('--interval <duration>', 'how often to poll (default: 2s)'),
  },
  help: `Polls with a moving window and prints each attempt once, oldest to newest. Each poll reads again the
last minute before the previous one's end, as an attempt can appear late (it is known when it ends);
attempts are known by entity_id, attempted_at, integration, event, retries_remaining and status, so none
prints twice and none is skipped. --json or --output ndjson print one object per attempt. Ctrl-C exits 130.`,
  examples: [
    'nsx events tail',
    'nsx events tail --integration erp-orders --status failure',
    'nsx events tail --since 10m --output ndjson >> attempts.ndjson',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./tail.run.js')).run(ctx, args, opts);
  },
});
