import { defineCommand, flag, value } from '../define.js';
import { logFilterOptions } from '../filter-options.js';

export const tail = defineCommand({
  name: 'tail',
  summary: 'print new log entries as they appear (Ctrl-C to stop)',
  args: ['<id>'],
  options: {
    ...logFilterOptions,
    interval: value('--interval <duration>', 'how often to poll (default: 2s)'),
    lines: value('-n, --lines <n>', 'how many recent entries to print first (default: 10; 0 = only new ones)'),
    untilStopped: flag('--until-stopped', 'exit 7 as soon as the integration is stopped (for alerting scripts)'),
  },
  help: `Entries print oldest to newest, each once. --json prints one JSON object per entry (a stream jq reads),
--output ndjson one per line. Ctrl-C exits 130. --until cannot be used here.`,
  examples: [
    'nsx logs tail erp-orders',
    'nsx logs tail erp-orders --level error --interval 10s',
    'nsx logs tail erp-orders --until-stopped --lines 0 --output ndjson || notify-ops "erp-orders stopped"',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./tail.run.js')).run(ctx, args, opts);
  },
});
