// `rejected retry` and `rejected delete`: the same selection, confirmation, per-event lines and summary.
// The work itself is src/workflows/rejected/ (listing.ts selects; retry-delete.ts applies the selection as
// a hand run: recover's lock, journal and apply engine, tallied in the one outcome vocabulary).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { retry } from './retry.js';
import { targetTenant, type CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import type { EventRecord } from '../../workflows/recover/journal.js';
import { InterruptedError, NsxError, PartialFailureError, UsageError } from '../../errors.js';
import { parseEventId, parseIntegrationId } from '../../input/ids.js';
import { confirm } from '../../output/prompts.js';
import { describeFilter, entityKey, isEmptyFilter } from '../../workflows/filters.js';
import { HandRun } from '../../workflows/rejected/hand-run.js';
import {
  countByEventName,
  emptyReport,
  runRejectedBatch,
  unsuccessful,
  type BatchAction,
  type BatchReport,
  type EventResult,
} from '../../workflows/rejected/retry-delete.js';
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
      hint: `see them: ${ctx.command('rejected', 'list', id)}`,
    });
  }
  const filter = rejectedFilter(opts);
  const out = ctx.output;

  await ctx.announce();
  ctx.handleInterrupts();
  // One command at a time retries or deletes the rejected events of an integration (the lock recover and
  // triage take): taken before the listing, so a second one exits 7 before it has sent anything. A dry
  // run sends nothing and takes none.
  let run: HandRun | undefined;
  if (!opts.dryRun) {
    const opened = HandRun.open({ stateDir: stateDir(), tenant: targetTenant(await ctx.settings()), integration: id, source: 'rejected' });
    run = opened;
    ctx.defer(() => opened.release());
    if (opened.lock.tookOver) out.warn(`took over a stale lock: pid ${opened.lock.tookOver.pid} on ${opened.lock.tookOver.host} is gone`);
  }
  const api = (await ctx.client()).eventstream;
  const selection = await selectRejectedEvents(api, id, { eventIds, filter, signal: ctx.signal }).catch((error: unknown) => {
    if (ctx.signal.aborted) throw new InterruptedError('interrupted while reading the rejected events: nothing was changed');
    throw error;
  });
  const { events, missing, excluded } = selection;
  if (!out.isJson) {
    for (const m of missing) out.info(`gone: ${m} (not a rejected event of ${id}: already delivered or deleted?)`);
    if (excluded.length) out.info(`left alone (do not match ${describeFilter(filter)}): ${excluded.join(', ')}`);
  }
  const what = `${events.length} rejected event${events.length === 1 ? '' : 's'} of ${id}`;
  const scope = isEmptyFilter(filter) ? '' : ` matching ${describeFilter(filter)}`;

  if (!run) {
    if (out.isJson) {
      const report = emptyReport(action, selection);
      const would = events.map((e) => ({ id: e.id, event_name: e.event.name, entity: entityKey(e), rejected_at: e.rejected_at, outcome: `would_${action}` }));
      out.object({ dry_run: true, ...toJson(report, excluded, undefined, [...would, ...report.results]) }, () => '');
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

  const progress = out.isJson ? undefined : (rec: EventRecord, r: EventResult | undefined, done: number, total: number) => out.info(resultLine(ctx, rec, r, done, total));
  let failure: Error | undefined;
  try {
    const { report, stoppedBy } = await runRejectedBatch(run, api, id, action, selection, {
      signal: ctx.signal,
      ...(progress ? { onResult: progress } : {}),
    });
    const journal = run.journalPath;
    if (out.isJson) out.object(toJson(report, excluded, journal ? { run_id: run.runId, journal } : undefined), () => '');
    else {
      out.info(summaryLine(action, report));
      if (journal) out.info(out.errStyle.dim(`journal: ${journal}`));
    }
    failure = stoppedBy ?? outcomeError(ctx, id, action, report, journal);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  } finally {
    const exit = failure instanceof NsxError ? failure.exitCode : failure ? 1 : 0;
    run.close({ outcome: failure instanceof InterruptedError ? 'interrupted' : !failure || failure instanceof PartialFailureError ? 'completed' : 'error', resumable: false, exit_code: exit, ...(failure ? { message: failure.message } : {}) });
  }
  if (failure) throw failure;
}

/** The error the run ends with: interrupted (130), or some events not done (6); undefined when all were. */
function outcomeError(ctx: CommandContext, id: string, action: BatchAction, report: BatchReport, journal: string | undefined): Error | undefined {
  if (report.interrupted) {
    return new InterruptedError(`interrupted: ${report.not_processed} selected events were not ${VERB[action].done}`, journal ? { hint: `what was done is in ${journal}` } : undefined);
  }
  const bad = unsuccessful(report);
  if (bad === 0) return undefined;
  const notDone = report.results.find((r) => r.outcome === 'still_rejected' || r.outcome === 'failed');
  return new PartialFailureError(`${bad} of ${report.selected} events were not ${VERB[action].done} successfully`, {
    ...(notDone ? { hint: `see why: ${ctx.command('rejected', 'show', id, notDone.id)}` } : {}),
  });
}

/**
 * The JSON result: the counts (the one outcome vocabulary) first, the explicit ids the filters left alone,
 * the run and its journal (null when nothing was sent), then one row per event (ids not in the list too).
 */
function toJson(
  report: BatchReport,
  excluded: readonly string[],
  run?: { run_id: string; journal: string },
  results: readonly unknown[] = report.results,
): Record<string, unknown> {
  const { action, selected, delivered, still_rejected, deleted, gone, failed, skipped, not_processed, interrupted } = report;
  return {
    action,
    selected,
    delivered,
    still_rejected,
    deleted,
    gone,
    failed,
    skipped,
    not_processed,
    interrupted,
    excluded,
    run_id: run?.run_id ?? null,
    journal: run?.journal ?? null,
    results,
  };
}

function resultLine(ctx: CommandContext, rec: EventRecord, r: EventResult | undefined, done: number, total: number): string {
  const s = ctx.output.errStyle;
  const where = `[${String(done).padStart(String(total).length)}/${total}]`;
  const what = `${rec.event_id}  ${r?.event_name ?? rec.event_name}  ${r?.entity ?? rec.entity}`.trimEnd();
  // A send whose answer was lost, settled by reading the list: it took effect.
  const settled = rec.outcome === 'delivered_gone' || rec.outcome === 'deleted_gone' ? ' (the answer was lost; the event left the list)' : '';
  switch (r?.outcome) {
    case undefined:
      return `${where} ${s.yellow('interrupted')}     ${what}: ${rec.error ?? 'no outcome'}`;
    case 'delivered':
      return `${where} ${s.green('delivered')}       ${what}${settled}`;
    case 'deleted':
      return `${where} ${s.green('deleted')}         ${what}${settled}`;
    case 'gone':
      return `${where} ${s.dim('gone')}            ${what} (no longer rejected: delivered or deleted meanwhile)`;
    case 'skipped':
      return `${where} ${s.yellow('skipped')}         ${what}: ${r.reason ?? 'held back'}`;
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
  const parts = action === 'retry' ? [`${r.delivered} delivered`, `${r.still_rejected} still rejected`] : [`${r.deleted} deleted`];
  parts.push(`${r.gone} gone`);
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.skipped) parts.push(`${r.skipped} skipped`);
  if (r.not_processed) parts.push(`${r.not_processed} not processed`);
  return `${VERB[action].done} ${r.selected} selected: ${parts.join(', ')}`;
}
