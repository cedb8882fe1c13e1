import { defineCommand } from '../define.js';
import { REJECTED_FILTER_HELP } from '../filter-options.js';
import { batchOptions } from './batch-options.js';

export const retry = defineCommand({
  name: 'retry',
  summary: 'send rejected events to the receiver again, oldest first; exit 6 if some are still rejected',
  args: ['<id>', '[event-ids...]'],
  options: batchOptions('retry'),
  help: `${REJECTED_FILTER_HELP}

Each event is retried once; one the receiver accepts leaves the rejected list, one it rejects again stays
(attempts + 1). The later events of an entity whose earlier one was not delivered are skipped (held back,
so the receiver never sees them out of order). The summary counts delivered, still rejected, gone (no
longer rejected: already delivered or deleted) and skipped; the run is journaled like recover's.`,
  examples: [
    'nsx rejected retry erp-orders evt-00000169 evt-00000172',
    'nsx rejected retry erp-orders --all --event "order.*" --dry-run',
    'nsx rejected retry erp-orders --all --since 2h --yes --json | jq .still_rejected',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./batch.js')).runBatch(ctx, 'retry', args, opts);
  },
});
