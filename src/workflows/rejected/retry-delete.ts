// `rejected retry/delete` on the one engine: the selection (listing.ts) is applied as a hand run
// (hand-run.ts: recover's lock, journal and apply), oldest first, one event at a time, and tallied in the
// one vocabulary (outcomes.ts). No terminal I/O: commands/rejected/batch.ts confirms and prints.
import type { ReceiverResponse, RejectedEvent, RetryResult } from '../../api/schemas.js';
import { NetworkError } from '../../errors.js';
import type { RejectedEventCalls } from '../recover/apply.js';
import type { EventRecord } from '../recover/journal.js';
import { entityKey } from '../filters.js';
import type { HandAction, HandRun } from './hand-run.js';
import type { RejectedSelection } from './listing.js';
import { JOURNAL_OUTCOMES, type Outcome } from './outcomes.js';

export type BatchAction = HandAction;

export interface EventResult {
  id: string;
  /** null for an explicit id that was not in the list. */
  event_name: string | null;
  entity: string | null;
  rejected_at: string | null;
  outcome: Outcome;
  /** The receiver's answer when a retry was rejected again. */
  response?: ReceiverResponse | null;
  /** Why the call failed (outcome "failed"). */
  error?: string;
  /** Why the event was not sent (outcome "skipped": an earlier event of its entity was not delivered). */
  reason?: string;
}

export interface BatchReport {
  action: BatchAction;
  /** Events found and selected (explicit ids that were not in the list are counted in gone only). */
  selected: number;
  delivered: number;
  still_rejected: number;
  deleted: number;
  /** No longer rejected before nsx touched it: not in the list, or a 404 when it was sent. */
  gone: number;
  failed: number;
  /** Held back: an earlier event of the same entity was not delivered, so sending it would reorder them. */
  skipped: number;
  /** Selected events left untouched because the run stopped early (Ctrl-C, lost connection, auth). */
  not_processed: number;
  interrupted: boolean;
  results: EventResult[];
}

export interface BatchOutcome {
  report: BatchReport;
  /** The error that stopped the run early (auth, or the connection lost); the caller rethrows it after reporting. */
  stoppedBy?: Error;
}

export interface RunBatchOptions {
  /** Ctrl-C: no new call starts; the one in flight finishes, so its outcome is known. */
  signal?: AbortSignal;
  /** Each event's outcome as it is known (interrupted calls included, with `result` undefined). */
  onResult?: (record: EventRecord, result: EventResult | undefined, done: number, total: number) => void;
  /** Waits between repeats of one call (tests shorten them). */
  backoffMs?: (round: number) => number;
}

/** The result rows for explicit ids that were not in the list, to start a report with. */
export function missingResults(ids: readonly string[]): EventResult[] {
  return ids.map((id) => ({ id, event_name: null, entity: null, rejected_at: null, outcome: 'gone' }));
}

export function emptyReport(action: BatchAction, selection: Pick<RejectedSelection, 'events' | 'missing'>): BatchReport {
  return {
    action,
    selected: selection.events.length,
    delivered: 0,
    still_rejected: 0,
    deleted: 0,
    gone: selection.missing.length,
    failed: 0,
    skipped: 0,
    not_processed: 0,
    interrupted: false,
    results: missingResults(selection.missing),
  };
}

/**
 * Retries or deletes the selected events through the hand run: journaled, oldest first, one at a time
 * (a retry re-delivers, and order matters to the receiver). A send whose outcome is unknown is settled by
 * reading the list (recover's apply). An auth failure, or a call that failed for want of a connection,
 * ends the run: every further call would fail the same way.
 */
export async function runRejectedBatch(
  run: HandRun,
  api: RejectedEventCalls,
  integrationId: string,
  action: BatchAction,
  selection: Pick<RejectedSelection, 'events' | 'missing'>,
  options: RunBatchOptions = {},
): Promise<BatchOutcome> {
  const report = emptyReport(action, selection);
  const byId = new Map(selection.events.map((e) => [e.id, e]));
  // What the engine's journal does not keep: the receiver's whole answer, and the error of the last send.
  const answers = new Map<string, ReceiverResponse | null>();
  const lastError = new Map<string, unknown>();
  const watched = <T>(eventId: string, call: Promise<T>): Promise<T> =>
    call.then(
      (value) => {
        lastError.delete(eventId);
        return value;
      },
      (error: unknown) => {
        lastError.set(eventId, error);
        throw error;
      },
    );
  const calls: RejectedEventCalls = {
    rejectedEvents: (id, o) => api.rejectedEvents(id, o),
    retryRejectedEvent: (id, eventId, o) =>
      watched(
        eventId,
        api.retryRejectedEvent(id, eventId, o).then((r: RetryResult) => {
          answers.set(eventId, r.response ?? null);
          return r;
        }),
      ),
    deleteRejectedEvent: (id, eventId, o) => watched(eventId, api.deleteRejectedEvent(id, eventId, o)),
  };
  const lost = new AbortController();
  let stoppedBy: Error | undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;

  const onProgress = (done: number, total: number, rec: EventRecord): void => {
    const result = resultOf(rec, byId.get(rec.event_id), answers.get(rec.event_id));
    if (result) count(report, result);
    const error = lastError.get(rec.event_id);
    if (result?.outcome === 'failed' && error instanceof NetworkError && !stoppedBy) {
      stoppedBy = error;
      lost.abort(error);
    }
    options.onResult?.(rec, result, done, total);
  };
  try {
    await run.act(calls, { id: integrationId }, selection.events, action, { signal, onProgress, ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}) });
  } catch (error) {
    stoppedBy ??= error instanceof Error ? error : new Error(String(error)); // auth, an unreadable answer
  }
  report.not_processed = report.selected - (report.results.length - selection.missing.length);
  report.interrupted = !stoppedBy && Boolean(options.signal?.aborted) && report.not_processed > 0;
  return stoppedBy ? { report, stoppedBy } : { report };
}

/** A journal record as a row of the report; undefined for a call cut off by Ctrl-C (no outcome). */
function resultOf(rec: EventRecord, event: RejectedEvent | undefined, answer: ReceiverResponse | null | undefined): EventResult | undefined {
  const outcome = JOURNAL_OUTCOMES[rec.outcome];
  if (!outcome) return undefined;
  const result: EventResult = {
    id: rec.event_id,
    event_name: event?.event.name ?? rec.event_name,
    entity: event ? entityKey(event) : rec.entity,
    rejected_at: event?.rejected_at ?? null,
    outcome,
  };
  if (outcome === 'still_rejected') result.response = answer ?? { status_code: rec.receiver_status, body: rec.receiver_answer };
  if (outcome === 'failed') result.error = rec.error ?? '';
  if (outcome === 'skipped' && rec.error) result.reason = rec.error;
  return result;
}

function count(report: BatchReport, result: EventResult): void {
  report.results.push(result);
  report[result.outcome]++;
}

/** Events that did not reach what was asked (for the exit code): still rejected, failed or held back. */
export function unsuccessful(report: BatchReport): number {
  return report.still_rejected + report.failed + report.skipped;
}

/** "order.created: 10, order.cancelled: 2", most frequent first: what a confirmation names. */
export function countByEventName(events: readonly RejectedEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.event.name, (counts.get(e.event.name) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name}: ${n}`)
    .join(', ');
}
