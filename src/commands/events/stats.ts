import { defineCommand, value } from '../define.js';
import { eventsSelectionOptions, eventsWindowOptions, SLICING_HELP } from './options.js';

export const stats = defineCommand({
  name: 'stats',
  summary: 'delivery figures per event, integration or hour: successes, failures, response times',
  options: {
    ...eventsSelectionOptions,
    ...eventsWindowOptions,
    by: value('--by <grouping>', 'one row per event, integration or hour (default: event)', { choices: ['event', 'integration', 'hour'] as const }),
  },
  help: `Per group: attempts, successes, failures, the failure rate (failures / (successes + failures)) and the
p50, p95 and max response_time_ms (nearest rank). --by hour has a row for every hour of the window, empty
ones too. On a terminal each row ends with a bar of its attempts (the failed share drawn apart); --json
prints the rows as objects for scripts, the rate as a fraction.

${SLICING_HELP}`,
  examples: [
    'nsx events stats',
    'nsx events stats --by integration --since 7d',
    'nsx events stats --integration erp-orders --by hour',
    `nsx events stats --by integration --json | jq '.[] | select(.failure_rate > 0.05) | .group'`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./stats.run.js')).run(ctx, args, opts);
  },
});
