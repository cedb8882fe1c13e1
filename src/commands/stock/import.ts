import { defineCommand, flag, value } from '../define.js';

export const stockImport = defineCommand({
  name: 'import',
  summary: 'validate, package (zip of availabilities.json), upload, create and start a stock import job',
  args: ['<file>'],
  options: {
    format: value('--format <format>', 'input format (default: from the extension, else from the content)', { choices: ['json', 'csv', 'ndjson'] }),
    range: value('--range <from-to>', 'logical-timestamp range the on-hand counts reflect, e.g. 10-12 (written into the file head)'),
    rangeFrom: value('--range-from <n>', 'the same as two flags: first logical timestamp'),
    rangeTo: value('--range-to <n>', 'last logical timestamp'),
    storeMapping: value('--store-mapping <file>', 'JSON store mapping [{"fulfillment_node_id", "store_id"}] (null store_id = a DC); rows at other nodes are refused'),
    uploadUrl: value('--upload-url <url>', 'presigned PUT URL the zip is uploaded to (needs --source-uri); visible in ps: prefer --upload-url-env'),
    uploadUrlEnv: value('--upload-url-env <name>', 'read the presigned PUT URL from this environment variable', { conflicts: ['upload-url'] }),
    sourceUri: value('--source-uri <uri>', 'the URI NewStore reads the zip from (https:// or s3://); alone: the zip is already there'),
    provider: value('--provider <name>', 'provider of the job', { default: 'nsx' }),
    name: value('--name <name>', 'job name (default: nsx-stock-<UTC time>-<user>@<host>-<sha256 of the zip>)'),
    revision: value('--revision <n>', 'revision of the job (a non-negative integer)'),
    wait: flag('--wait', 'wait until the job has finished (exit 0) or failed (exit 6)'),
    waitTimeout: value('--wait-timeout <duration>', 'how long to wait (and to wait out 429s) before exit 7 (default 30m; --timeout also sets it)'),
    dryRun: flag('--dry-run', 'validate and package, print what would be sent, send nothing'),
    saveZip: value('--save-zip <file>', 'also write the zip to this file'),
    full: flag('--full', 'refused: NewStore fails full imports of availabilities (imports are sent with full: false)', { hidden: true }),
  },
  help: `Input: the availability JSON ({"head": {...}, "items": [...]}), or rows of product_id, fulfillment_node_id,
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
on stdout; progress on stderr.`,
  examples: [
    'nsx stock import stock.csv --range 10-12 --dry-run --save-zip /tmp/stock.zip',
    `STOCK_PUT_URL="$(./presign-put s3://acme-imports/stock.zip)" nsx stock import stock.csv --range 10-12 \\
      --upload-url-env STOCK_PUT_URL --source-uri s3://acme-imports/stock.zip --wait --json`,
    'nsx stock import availabilities.json --source-uri https://files.example.com/stock.zip --wait',
    'erp-export | nsx stock import - --format ndjson --range-from 120 --range-to 188 --store-mapping nodes.json',
    'nsx --sandbox stock import stock.csv --range 10-12 --wait     rehearse against an in-process sandbox',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./import.run.js')).run(ctx, args, opts);
  },
});
