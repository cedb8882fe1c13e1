import { defineCommand, LIST_OPTIONS, flag, value } from '../define.js';
import { REJECTED_FILTER_HELP, rejectedFilterOptions } from '../filter-options.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list the rejected events of an integration (oldest first; the filters apply)',
  args: ['<id>'],
  options: {
    ...LIST_OPTIONS,
    limit: value('--limit <n>', 'stop after N matching events'),
    ...rejectedFilterOptions,
    failIfAny: flag('--fail-if-any', 'exit 6 when any event matches (prints the list; with --quiet nothing, like grep -q)'),
  },
  help: REJECTED_FILTER_HELP,
  examples: [
    'nsx rejected list erp-orders',
    "nsx rejected list erp-orders --fields id,status,answer --limit 20",
    'nsx rejected list erp-orders --status-code 4xx --match items.0.product_id=10000102',
    'nsx rejected list erp-orders --output ndjson | jq -r .event.payload.id',
    'nsx rejected list erp-orders --event "order.*" --fail-if-any --quiet || alert "orders are stuck"',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});
