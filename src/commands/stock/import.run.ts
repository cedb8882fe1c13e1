// nsx stock import <file|->: flags -> the stock import workflow -> one result (and exit 6/7 for a failed or
// unfinished job). Every flag is checked before the input is read, and the input before anything is sent.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { stockImport } from './import.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { checkReadableFile, fileInExistingFolder } from '../../input/files.js';
import { formatDuration } from '../../input/time.js';
import type { LogicalTimestampRange } from '../../workflows/stock/availabilities.js';
import { chooseDestination, importStock, type StockImportOutcome } from '../../workflows/stock/import.js';
import { megabytes, readStoreMapping } from '../../workflows/stock/package.js';
import { jobFields, keyValueText, openJobsText, Phases, throwForOutcome, waitBudgetMs } from './report.js';
import { importStateIs } from '../../api/schemas.js';

type Options = OptionsOf<typeof stockImport>;

export async function run(ctx: CommandContext, [file]: ArgsOf<typeof stockImport>, opts: OptionsOf<typeof stockImport>): Promise<void> {
  const input = String(file);
  if (opts.full) {
    throw new UsageError('--full is not supported for availabilities: NewStore fails such jobs (a stock import updates the items it lists; others keep their stock)');
  }
  const range = rangeFromFlags(opts);
  const revision = opts.revision === undefined ? undefined : nonNegativeInteger(opts.revision, '--revision');
  if (opts.provider.trim() === '') throw new UsageError('--provider must not be empty');
  if (opts.name !== undefined && opts.name.trim() === '') throw new UsageError('--name must not be empty');
  const uploadUrl = uploadUrlFromFlags(ctx, opts);
  const budgetMs = waitBudgetMs(ctx, opts, true);
  const dryRun = Boolean(opts.dryRun);
  // A dry run reads no profile and contacts nothing: it checks the data (and the flags) only.
  const baseUrl = dryRun ? undefined : (await ctx.settings()).baseUrl;
  const destination = chooseDestination({ uploadUrl, sourceUri: opts.sourceUri }, baseUrl, dryRun);
  const storeMapping = opts.storeMapping === undefined ? undefined : await readStoreMapping(opts.storeMapping);
  // The files named are checked before the context line and before anything is sent: a missing input
  // is one line (exit 2), not a context line and then an error.
  if (input !== '-') checkReadableFile(input);
  if (opts.saveZip !== undefined) fileInExistingFolder(opts.saveZip, '--save-zip');

  if (!dryRun) await ctx.announce();
  const client = dryRun ? undefined : await ctx.client();
  const deadline = Date.now() + budgetMs;
  ctx.handleInterrupts();
  const phases = new Phases(ctx.output);
  const output = ctx.output;
  let lastState: string | undefined;
  await phases.start(`validating ${input === '-' ? 'stdin' : input}`);
  let outcome: StockImportOutcome;
  try {
    outcome = await importStock(
      client,
      {
        input,
        format: opts.format,
        range,
        storeMapping,
        destination,
        provider: opts.provider,
        name: opts.name,
        revision,
        dryRun,
        wait: Boolean(opts.wait),
        deadline,
        saveZip: opts.saveZip,
        signal: ctx.signal,
        stdin: ctx.io.stdin,
      },
      {
        packaged: (pkg) => {
          const nodes = pkg.nodes.length === 1 ? `node ${pkg.nodes[0]!.fulfillment_node_id}` : `${pkg.nodes.length} nodes`;
          phases.done(`${pkg.items.toLocaleString('en')} items for ${nodes} from ${pkg.source} (${pkg.format}): ${megabytes(pkg.bytes)} zip, sha256 ${pkg.sha256.slice(0, 12)}`);
          if (!pkg.head.logical_timestamp_range) {
            output.warn('no logical-timestamp range: NewStore removes no allocations with this import (see nsx stock range; --range FROM-TO)');
          }
          if (opts.saveZip) output.info(`zip saved to ${opts.saveZip}`);
        },
        uploading: (where, bytes) => void phases.start(`uploading ${megabytes(bytes)} to ${where}`),
        uploaded: (sourceUri) => phases.done(`uploaded: NewStore reads ${sourceUri}`),
        throttled: (ms) =>
          void phases.say(
            `NewStore has 20 open import jobs (429): waiting ${formatDuration(ms)} as it asked, then asking again (until ${new Date(deadline).toISOString()})`,
            'warn',
          ),
        openJobs: (open) => void phases.say(openJobsText(ctx, open), 'warn'),
        created: (importId, name) => output.success(`created import ${importId} (${name})`),
        started: (importId) => {
          output.success(`started import ${importId}`);
          if (opts.wait) void phases.start(`import ${importId}: waiting`);
        },
        polled: (job, waitedMs) => {
          phases.update(`import ${job.import_id}: ${job.state} (${formatDuration(waitedMs)})`);
          if (job.state !== lastState && lastState !== undefined && !output.showProgress) output.info(`import ${job.import_id}: ${job.state}`);
          lastState = job.state;
        },
      },
    );
  } finally {
    phases.stop();
  }

  const pkg = outcome.package;
  const result = {
    ...jobFields(outcome.job),
    items: pkg.items,
    range: pkg.head.logical_timestamp_range ?? null,
    bytes: pkg.bytes,
    duration_ms: outcome.durationMs,
    name: outcome.name,
    sha256: pkg.sha256,
    source_uri: outcome.sourceUri,
    dry_run: dryRun,
    nodes: pkg.nodes,
    errors: outcome.errors,
    errors_total: outcome.errorsTotal,
  };
  output.object(result, () => human(result, outcome, dryRun));
  throwForOutcome(ctx, outcome.job, { ...outcome, waitedMs: outcome.durationMs });
  if (dryRun) output.info('dry run: nothing was sent');
  else if (outcome.job && importStateIs(outcome.job, 'finished')) output.success(`import ${outcome.importId} finished in ${formatDuration(outcome.durationMs)}`);
  else if (!opts.wait && outcome.importId) output.info(`follow it with: ${ctx.command('stock', 'status', outcome.importId, '--wait')}`);
}

function human(result: Record<string, unknown>, outcome: StockImportOutcome, dryRun: boolean): string {
  const range = outcome.package.head.logical_timestamp_range;
  const shown: Record<string, unknown> = {
    ...(dryRun ? { would_send: `${result.items} items` } : { import_id: result.import_id, state: result.state, reason: result.reason, items: result.items }),
    range: range ? `${range.from}-${range.to}` : 'none',
    nodes: listNodes(outcome.package.nodes),
    zip: `${megabytes(outcome.package.bytes)}${outcome.package.bytes >= 1024 ? ` (${outcome.package.bytes} bytes)` : ''}, sha256 ${outcome.package.sha256}`,
    name: result.name,
    source_uri: result.source_uri ?? (dryRun ? '(not checked: a real run needs --upload-url URL --source-uri URI, or --source-uri URI)' : null),
    duration: formatDuration(outcome.durationMs),
  };
  return keyValueText(shown);
}

function listNodes(nodes: { fulfillment_node_id: string; items: number }[]): string {
  const shown = nodes.slice(0, 10).map((n) => `${n.fulfillment_node_id} (${n.items})`);
  return nodes.length > shown.length ? `${shown.join(', ')} and ${nodes.length - shown.length} more` : shown.join(', ');
}

/** --range FROM-TO, or --range-from and --range-to; integers, from <= to. */
export function rangeFromFlags(opts: { range?: string; rangeFrom?: string; rangeTo?: string }): LogicalTimestampRange | undefined {
  if (opts.range !== undefined) {
    if (opts.rangeFrom !== undefined || opts.rangeTo !== undefined) throw new UsageError('give --range FROM-TO or --range-from/--range-to, not both');
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(opts.range);
    if (!m) throw new UsageError(`--range: "${opts.range}" is not FROM-TO (two non-negative integers, e.g. 10-12)`);
    return ordered(nonNegativeInteger(m[1]!, '--range'), nonNegativeInteger(m[2]!, '--range'));
  }
  if (opts.rangeFrom === undefined && opts.rangeTo === undefined) return undefined;
  if (opts.rangeFrom === undefined || opts.rangeTo === undefined) throw new UsageError('--range-from and --range-to go together');
  return ordered(nonNegativeInteger(opts.rangeFrom, '--range-from'), nonNegativeInteger(opts.rangeTo, '--range-to'));
}

function ordered(from: number, to: number): LogicalTimestampRange {
  if (from > to) throw new UsageError(`the range must go upwards: from ${from} is greater than to ${to}`);
  return { from, to };
}

function nonNegativeInteger(text: string, flag: string): number {
  const value = Number(text.trim());
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) throw new UsageError(`${flag}: "${text}" is not a non-negative integer`);
  return value;
}

function uploadUrlFromFlags(ctx: CommandContext, opts: Options): string | undefined {
  let url = opts.uploadUrl;
  if (opts.uploadUrlEnv !== undefined) {
    url = ctx.io.env[opts.uploadUrlEnv];
    if (!url) throw new UsageError(`--upload-url-env: the environment variable ${opts.uploadUrlEnv} is not set`);
  }
  if (url !== undefined) {
    // A presigned URL is a credential until it expires: never shown whole.
    ctx.output.addSecret(url);
    try {
      ctx.output.addSecret(new URL(url).search.slice(1));
    } catch {
      // not a URL: chooseDestination says so
    }
  }
  return url;
}
