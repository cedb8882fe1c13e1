import { defineGroup } from '../define.js';
import { fail } from './fail.js';
import { stockImport } from './import.js';
import { list } from './list.js';
import { range } from './range.js';
import { status } from './status.js';

export const stock = defineGroup({
  name: 'stock',
  summary: 'push on-hand stock to NewStore as import jobs, with the logical-timestamp range that removes shipped allocations',
  help: `An import carries on-hand counts per (product, fulfillment node) and the range of logical timestamps of the
fulfillment events those counts already reflect; NewStore then drops the allocations of those events.
ATP = on hand - (allocations + reservations + safety stock).`,
  examples: [
    'nsx stock range captured-events.ndjson                      which range the next import should state',
    'nsx stock import stock.csv --range 10-12 --dry-run          validate and package, send nothing',
    `nsx stock import stock.csv --range 10-12 --upload-url-env STOCK_PUT_URL \\
      --source-uri s3://acme-imports/stock/2026-11-20.zip --wait`,
    'nsx stock status imp-3f9a2c01 --wait --json',
    'nsx stock list --state received',
    'nsx stock fail imp-3f9a2c01 --reason "stuck since Monday"',
  ],
  verbs: [stockImport, status, list, fail, range],
});
