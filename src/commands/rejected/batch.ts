// `rejected retry` and `rejected delete`: the same selection, confirmation, per-event lines and summary.
// The work itself is src/workflows/rejected/ (listing.ts selects, batch.ts acts).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { retry } from './retry.js';
import { targetTenant, type CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import { nsxCommand } from '../../hints.js';
import { acquireLock } from '../../workflows/recover/lock.js';
import { InterruptedError, PartialFailureError, UsageError } from '../../errors.js';
import { parseEventId, parseIntegrationId } from '../../input/ids.js';
import { confirm } from '../../output/prompts.js';
import { describeFilter, entityKey, isEmptyFilter, type FilterFlagValues } from '../../workflows/filters.js';
import {
  applyRejectedBatch,
  countByEventName,
  emptyReport,
  unsuccessful,
  type BatchAction,
  type BatchReport,
  type EventResult,
} from '../../workflows/rejected/batch.js';
import { selectRejectedEvents } from '../../workflows/rejected/listing.js';
import { REJECTED_COLUMNS, receiverSummary, rejectedFilter } from './shared.js';

/** retry and delete declare the same options (batchOptions). */
export type BatchOptions = OptionsOf<typeof retry>;

const VERB = {
  retry: { doing: 'retry', done: 'retried', capital: 'Retry' },
  delete: { doing: 'delete', done: 'deleted', capital: 'Delete' },
} as const;

export async function runBatch(ctx: CommandContext, action: BatchAction, args: ArgsOf<typeof retry>, opts: BatchOptions): Promise<void> {
  // Everything the user typed is checked before the first request.
  const id = parseIntegrationId(args[0]);
  const eventIds = ((args[1] as unknown[] | undefined) ?? []).map(parseEventId);
  if (opts.all && eventIds.length > 0) throw new UsageError('--all and explicit event ids are mutually exclusive: pass one or the other');
  if (!opts.all && eventIds.length === 0) {
    throw new UsageError(`name the event ids to ${VERB[action].doing}, or pass --all (the filters narrow --all)`, {
      hint: `see them: ${nsxCommand('rejected', 'list', id)}`,
    });
  }
  const filter = rejectedFilter(opts);
  const out = ctx.output;

  await ctx.announce();
  ctx.handleInterrupts();
  // One command at a time retries or deletes the rejected events of an integration (the lock recover and
  // triage take): taken before the listing, so a second one exits 7 before it has sent anything. A dry
  // run sends nothing and takes none.
  if (!opts.dryRun) {
    const lock = acquireLock({ stateDir: stateDir(), tenant: targetTenant(await ctx.settings()), integration: id });
    ctx.defer(() => lock.release());
    if (lock.tookOver) out.warn(`took over a stale lock: pid ${lock.tookOver.pid} on ${lock.tookOver.host} is gone`);
  }
  const api = (await ctx.client()).eventstream;
  const selection = await selectRejectedEvents(api, id, { eventIds, filter, signal: ctx.signal }).catch((error: unknown) => {
    if (ctx.signal.aborted) throw new InterruptedError('interrupted while reading the rejected events: nothing was changed');
    throw error;
  });
  const { events, missing, excluded } = selection;
  if (!out.isJson) {
    for (const m of missing) out.info(`not found: ${m} (not a rejected event of ${id}: already delivered or deleted?)`);
    if (excluded.length) out.info(`left alone (do not match ${describeFilter(filter)}): ${excluded.join(', ')}`);
  }
  const what = `${events.length} rejected event${events.length === 1 ? '' : 's'} of ${id}`;
  const scope = isEmptyFilter(filter) ? '' : ` matching ${describeFilter(filter)}`;

  if (opts.dryRun) {
    if (out.isJson) {
      const report = emptyReport(action, selection);
      const would = events.map((e) => ({ id: e.id, event_name: e.event.name, entity: entityKey(e), rejected_at: e.rejected_at, outcome: `would_${action}` }));
      out.object({ dry_run: true, ...toJson(report, excluded, [...would, ...report.results]) }, () => '');
    } else {
      await out.list(events, REJECTED_COLUMNS);
      out.notice(`dry run: would ${VERB[action].doing} ${what}${scope}, oldest first; nothing was sent`);
    }
    return;
  }
  if (events.length === 0) {
    if (out.isJson) out.object(toJson(emptyReport(action, selection), excluded), () => '');
    else out.info(`nothing to ${VERB[action].doing}: no rejected events of ${id}${scope}${eventIds.length ? ' among the ids given' : ''}`);
    return;
  }

  const question =
    action === 'retry'
      ? `${VERB.retry.capital} ${what}, oldest first (${countByEventName(events)})? Each is sent to the receiver again.`
      : `${VERB.delete.capital} ${what} (${countByEventName(events)})? They will never be delivered.`;
  await confirm(out, question, { yes: opts.yes });

  const progress = out.isJson ? undefined : (r: EventResult, done: number, total: number) => out.info(resultLine(ctx, r, done, total));
  const { report, stoppedBy } = await applyRejectedBatch(api, id, action, selection, {
    signal: ctx.signal,
    ...(progress ? { onResult: progress } : {}),
  });

  if (out.isJson) out.object(toJson(report, excluded), () => '');
  else out.info(summaryLine(action, report));

  if (stoppedBy) throw stoppedBy;
  if (report.interrupted) throw new InterruptedError(`interrupted: ${report.not_processed} selected events were not ${VERB[action].done}`);
  const bad = unsuccessful(report);
  if (bad > 0) {
    const stillRejected = report.results.find((r) => r.outcome === 'still_rejected' || r.outcome === 'failed');
    throw new PartialFailureError(`${bad} of ${report.selected} events were not ${VERB[action].done} successfully`, {
      ...(stillRejected ? { hint: `see why: ${nsxCommand('rejected', 'show', id, stillRejected.id)}` } : {}),
    });
  }
}

/**
 * The JSON result: the counts first, the explicit ids the filters left alone, then one row per event
 * (including ids that were not found).
 */
function toJson(report: BatchReport, excluded: readonly string[], results: readonly unknown[] = report.results): Record<string, unknown> {
  const { action, selected, delivered, still_rejected, deleted, not_found, failed, not_processed, interrupted } = report;
  return { action, selected, delivered, still_rejected, deleted, not_found, failed, not_processed, interrupted, excluded, results };
}

function resultLine(ctx: CommandContext, r: EventResult, done: number, total: number): string {
  const s = ctx.output.errStyle;
  const where = `[${String(done).padStart(String(total).length)}/${total}]`;
  const what = `${r.id}  ${r.event_name ?? ''}  ${r.entity ?? ''}`.trimEnd();
  switch (r.outcome) {
    case 'delivered':
      return `${where} ${s.green('delivered')}       ${what}`;
    case 'deleted':
      return `${where} ${s.green('deleted')}         ${what}`;
    case 'not_found':
      return `${where} ${s.dim('not found')}       ${what} (already delivered or deleted)`;
    case 'still_rejected': {
      const code = r.response?.status_code ?? '';
      const why = receiverSummary(r.response);
      return `${where} ${s.yellow('still rejected')}  ${what}: ${code}${why ? ` ${why}` : ''}`;
    }
    case 'failed':
      return `${where} ${s.red('failed')}          ${what}: ${r.error ?? ''}`;
  }
}

function summaryLine(action: BatchAction, r: BatchReport): string {
  const parts =
    action === 'retry'
      ? [`${r.delivered} delivered`, `${r.still_rejected} still rejected`]
      : [`${r.deleted} deleted`];
  parts.push(`${r.not_found} not found`);
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.not_processed) parts.push(`${r.not_processed} not processed`);
  return `${VERB[action].done} ${r.selected} selected: ${parts.join(', ')}`;
}
