import { defineCommand, LIST_OPTIONS, value } from '../define.js';
import { logFilterOptions } from '../filter-options.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list log entries, newest first, all pages (streamed)',
  args: ['<id>'],
  options: {
    ...LIST_OPTIONS,
    ...logFilterOptions,
    limit: value('--limit <n>', 'stop after N matching entries'),
  },
  help: `The filter flags mean the same as on nsx rejected; all given must hold.
A table on a terminal, tab-separated when piped; --output ndjson streams one entry per line.`,
  examples: [
    'nsx logs list erp-orders --since 2h',
    'nsx logs list erp-orders --level error,warning --grep "timed out" --limit 20',
    'nsx logs list erp-orders --since 2026-11-20 --until 2026-11-21 --output ndjson > erp-orders-logs.ndjson',
    `nsx logs list erp-orders --json | jq -r '.[] | select(.status_code == 400) | .event_name' | sort | uniq -c`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});
