import { Option, type Command } from 'commander';
import { lazy } from '../context.js';

// IMPORT_STATES of src/api/schemas.ts, repeated: building the command tree loads commander only (no zod).
const IMPORT_STATES = ['received', 'waiting', 'processing', 'finished', 'failed'];

export function registerStock(program: Command): void {
  const stock = program
    .command('stock')
    .description('push on-hand stock to NewStore as import jobs, with the logical-timestamp range that removes shipped allocations')
    .addHelpText(
      'after',
      `
An import carries on-hand counts per (product, fulfillment node) and the range of logical timestamps of the
fulfillment events those counts already reflect; NewStore then drops the allocations of those events.
ATP = on hand - (allocations + reservations + safety stock).

Examples:
  $ nsx stock range captured-events.ndjson                      which range the next import should state
  $ nsx stock import stock.csv --range 10-12 --dry-run          validate and package, send nothing
  $ nsx stock import stock.csv --range 10-12 --upload-url-env STOCK_PUT_URL \\
      --source-uri s3://acme-imports/stock/2026-11-20.zip --wait
  $ nsx stock status imp-3f9a2c01 --wait --json
  $ nsx stock list --state received
  $ nsx stock fail imp-3f9a2c01 --reason "stuck since Monday"`,
    );

  stock
    .command('import <file>')
    .description('validate, package (zip of availabilities.json), upload, create and start a stock import job')
    .addOption(new Option('--format <format>', 'input format (default: from the extension, else from the content)').choices(['json', 'csv', 'ndjson']))
    .addOption(new Option('--range <from-to>', 'logical-timestamp range the on-hand counts reflect, e.g. 10-12 (written into the file head)'))
    .addOption(new Option('--range-from <n>', 'the same as two flags: first logical timestamp'))
    .addOption(new Option('--range-to <n>', 'last logical timestamp'))
    .addOption(new Option('--store-mapping <file>', 'JSON store mapping [{"fulfillment_node_id", "store_id"}] (null store_id = a DC); rows at other nodes are refused'))
    .addOption(new Option('--upload-url <url>', 'presigned PUT URL the zip is uploaded to (needs --source-uri); visible in ps: prefer --upload-url-env'))
    .addOption(new Option('--upload-url-env <name>', 'read the presigned PUT URL from this environment variable').conflicts('uploadUrl'))
    .addOption(new Option('--source-uri <uri>', 'the URI NewStore reads the zip from (https:// or s3://); alone: the zip is already there'))
    .addOption(new Option('--provider <name>', 'provider of the job').default('nsx'))
    .addOption(new Option('--name <name>', 'job name (default: nsx-stock-<UTC time>-<user>@<host>-<sha256 of the zip>)'))
    .addOption(new Option('--revision <n>', 'revision of the job (a non-negative integer)'))
    .addOption(new Option('--wait', 'wait until the job has finished (exit 0) or failed (exit 6)'))
    .addOption(new Option('--wait-timeout <duration>', 'how long to wait (and to wait out 429s) before exit 7 (default 30m; --timeout also sets it)'))
    .addOption(new Option('--dry-run', 'validate and package, print what would be sent, send nothing'))
    .addOption(new Option('--save-zip <file>', 'also write the zip to this file'))
    .addOption(new Option('--full', 'refused: NewStore fails full imports of availabilities (imports are sent with full: false)').hideHelp())
    .addHelpText(
      'after',
      `
Input: the availability JSON ({"head": {...}, "items": [...]}), or rows of product_id, fulfillment_node_id,
quantity as CSV (header required, any column order) or NDJSON (one object a line); "-" reads stdin.
Nothing is sent unless every row is valid: ids present, quantities non-negative integers, no (product, node)
twice, nodes in the store mapping when one is given, zip at most 80 MB. Problems name the line (CSV, NDJSON)
or the JSON path (items[3].quantity); the first 20 are listed, with the total; exit 2. Jobs are always sent
with full: false (NewStore fails full imports of availabilities; "full": true in the file is refused).

Where the zip goes: --upload-url (or --upload-url-env) + --source-uri, or --source-uri alone when the zip is
already there. Against a sandbox on this machine the zip goes to its blob store by itself.
With --wait, the job is followed until finished (exit 0), failed (exit 6, reason and first item errors) or
the wait runs out (exit 7). When NewStore has 20 open jobs (429), nsx waits as it says, up to that time.
With --output json: {import_id, state, reason, items, range, bytes, duration_ms, name, sha256, source_uri, ...}
on stdout; progress on stderr.

Examples:
  $ nsx stock import stock.csv --range 10-12 --dry-run --save-zip /tmp/stock.zip
  $ STOCK_PUT_URL="$(./presign-put s3://acme-imports/stock.zip)" nsx stock import stock.csv --range 10-12 \\
      --upload-url-env STOCK_PUT_URL --source-uri s3://acme-imports/stock.zip --wait --json
  $ nsx stock import availabilities.json --source-uri https://files.example.com/stock.zip --wait
  $ erp-export | nsx stock import - --format ndjson --range-from 120 --range-to 188 --store-mapping nodes.json
  $ nsx --sandbox stock import stock.csv --range 10-12 --wait     rehearse against an in-process sandbox`,
    )
    .action(lazy(() => import('./import.js')));

  stock
    .command('status <import-id>')
    .description('show an import job: state, reason, item errors; exit 6 when it failed')
    .addOption(new Option('--wait', 'wait until it has finished or failed'))
    .addOption(new Option('--wait-timeout <duration>', 'how long to wait before exit 7 (default 30m; --timeout also sets it)'))
    .addHelpText(
      'after',
      `
Exit codes: 0 finished (or still going, without --wait), 6 failed, 7 still going when --wait ran out.

Examples:
  $ nsx stock status imp-3f9a2c01
  $ nsx stock status imp-3f9a2c01 --wait --wait-timeout 1h --json | jq .state`,
    )
    .action(lazy(() => import('./status.js')));

  stock
    .command('list')
    .alias('ls')
    .description('list import jobs: id, state, name, provider, received_at, completed_at, reason')
    .addOption(new Option('--state <state>', 'only jobs in this state').choices(IMPORT_STATES))
    .addHelpText(
      'after',
      `
At most 20 jobs may be open (received or waiting); beyond that NewStore refuses new ones (429).
A table on a terminal, tab-separated when piped; --json / --output ndjson print whole jobs.

Examples:
  $ nsx stock list --state received
  $ nsx stock list --state failed --json | jq -r '.[] | "\\(.import_id) \\(.reason)"'`,
    )
    .action(lazy(() => import('./list.js')));

  stock
    .command('fail <import-id>')
    .description('set an import job to failed (frees its place among the 20 open jobs)')
    .addOption(new Option('--reason <text>', 'why: NewStore keeps it as the job\'s reason (required)'))
    .option('-y, --yes', 'do not ask (required when there is no terminal)')
    .addHelpText(
      'after',
      `
The documented way out of the open-jobs limit when a job is stuck in received or waiting. A received,
waiting or processing job can be failed; a failed one is left as it is (exit 0); a finished one cannot
(exit 7). Asks in a terminal; without one pass --yes, or nsx exits 3.

Examples:
  $ nsx stock fail imp-3f9a2c01 --reason "stuck in received since 2026-11-30"
  $ nsx stock fail imp-3f9a2c01 --reason "superseded by a newer count" --yes --json`,
    )
    .action(lazy(() => import('./fail.js')));

  stock
    .command('range <events-file>')
    .description('the logical-timestamp range per fulfillment node an import should state, from captured events')
    .addHelpText(
      'after',
      `
Reads fulfillment_request.items_completed events as a receiver stores them (NDJSON webhook bodies, or
records holding one under "event" or "body", or a JSON array of them; "-" reads stdin). Duplicates (same
name + idempotency_key) count once; other events only mark their logical timestamps as seen.

Per node, and for all nodes together ("*"): FROM and TO (lowest and highest shipment), EVENTS, UNSEEN (timestamps
inside the range found in no captured event: possibly events still on their way, as delivery is unordered) and
GAP-FREE-TO (the highest shipment below the first unseen timestamp). A range with unseen timestamps may cover
a shipment your counts do not reflect yet: nsx warns, and --range FROM-GAP-FREE-TO is the careful choice.

Examples:
  $ nsx stock range /var/log/erp/fulfillment-events.ndjson
  $ nsx stock range events.ndjson --json | jq -r '.all | "\\(.from)-\\(.to)"'
  $ nsx rejected list wms-fulfillment --output ndjson | nsx stock range -`,
    )
    .action(lazy(() => import('./range.js')));
}
