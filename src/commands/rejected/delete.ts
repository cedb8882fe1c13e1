import { defineCommand } from '../define.js';
import { REJECTED_FILTER_HELP } from '../filter-options.js';
import { batchOptions } from './batch-options.js';

export const deleteEvents = defineCommand({
  name: 'delete',
  summary: 'delete rejected events (they are never delivered); exit 6 if some could not be deleted',
  args: ['<id>', '[event-ids...]'],
  options: batchOptions('delete'),
  help: `${REJECTED_FILTER_HELP}

The summary counts deleted and gone (no longer rejected: already delivered or deleted); the run is
journaled like recover's.`,
  examples: [
    'nsx rejected delete erp-orders evt-00000169',
    'nsx rejected delete erp-orders --all --event order.items_swapped --dry-run',
    'nsx rejected export erp-orders --file before.ndjson && nsx rejected delete erp-orders --all --yes',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./batch.js')).runBatch(ctx, 'delete', args, opts);
  },
});
