// Retry or delete many rejected events: select (explicit ids and/or the shared filters), then act on each
// event oldest first, one at a time (the selection is rejected/listing.ts's), reporting every outcome through a callback. No terminal I/O here:
// `rejected retry/delete` print the lines and the summary; `recover` can drive the same functions.
import type { EventStreamApi } from '../../api/eventstream.js';
import type { ReceiverResponse, RejectedEvent } from '../../api/schemas.js';
import { ApiError, AuthError, NetworkError, UnsafePathParameterError } from '../../errors.js';
import { entityKey } from '../filters.js';
import type { RejectedSelection } from './listing.js';
import { BATCH_OUTCOMES } from './outcomes.js';

export type BatchAction = 'retry' | 'delete';
export type EventOutcome = 'delivered' | 'still_rejected' | 'deleted' | 'not_found' | 'failed';

type RejectedApi = Pick<EventStreamApi, 'rejectedEvents' | 'retryRejectedEvent' | 'deleteRejectedEvent'>;

export interface EventResult {
  id: string;
  /** null for an explicit id that was not in the list. */
  event_name: string | null;
  entity: string | null;
  rejected_at: string | null;
  outcome: EventOutcome;
  /** The receiver's answer when a retry was rejected again. */
  response?: ReceiverResponse | null;
  /** Why the call failed (outcome "failed"). */
  error?: string;
}

export interface BatchReport {
  action: BatchAction;
  /** Events found and selected (explicit ids that were not found are counted in not_found only). */
  selected: number;
  delivered: number;
  still_rejected: number;
  deleted: number;
  not_found: number;
  failed: number;
  /** Selected events left untouched because the batch stopped early (Ctrl-C, lost connection, auth). */
  not_processed: number;
  interrupted: boolean;
  results: EventResult[];
}

export interface ApplyOptions {
  /** Checked between events: the call in flight always finishes, so its outcome is known. */
  signal?: AbortSignal;
  onResult?: (result: EventResult, done: number, total: number) => void;
}

export interface BatchOutcome {
  report: BatchReport;
  /** The error that stopped the batch early (auth or connection lost); the caller rethrows it after reporting. */
  stoppedBy?: Error;
}

/** The result rows for explicit ids that were not in the list, to start a report with. */
export function missingResults(ids: readonly string[]): EventResult[] {
  return ids.map((id) => ({ id, event_name: null, entity: null, rejected_at: null, outcome: 'not_found' }));
}

export function emptyReport(action: BatchAction, selection: Pick<RejectedSelection, 'events' | 'missing'>): BatchReport {
  return {
    action,
    selected: selection.events.length,
    delivered: 0,
    still_rejected: 0,
    deleted: 0,
    not_found: selection.missing.length,
    failed: 0,
    not_processed: 0,
    interrupted: false,
    results: missingResults(selection.missing),
  };
}

/**
 * Retries or deletes the selected events in the order given (oldest first from selectRejectedEvents), one
 * at a time: a retry re-delivers to the receiver, and order matters to it. A 404 means the event is no
 * longer rejected (delivered or deleted meanwhile). Any other API error marks that event failed and goes
 * on; an auth or connection failure stops the batch, since every further call would fail the same way.
 */
export async function applyRejectedBatch(
  api: RejectedApi,
  integrationId: string,
  action: BatchAction,
  selection: Pick<RejectedSelection, 'events' | 'missing'>,
  options: ApplyOptions = {},
): Promise<BatchOutcome> {
  const report = emptyReport(action, selection);
  const total = selection.events.length;
  let done = 0;
  for (const event of selection.events) {
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    const base = { id: event.id, event_name: event.event.name, entity: entityKey(event), rejected_at: event.rejected_at };
    let result: EventResult;
    try {
      if (action === 'retry') {
        const answer = await api.retryRejectedEvent(integrationId, event.id);
        result = answer.delivered
          ? { ...base, outcome: 'delivered' }
          : { ...base, outcome: 'still_rejected', response: answer.response ?? null };
      } else {
        await api.deleteRejectedEvent(integrationId, event.id);
        result = { ...base, outcome: 'deleted' };
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        result = { ...base, outcome: 'not_found' };
      } else if (error instanceof UnsafePathParameterError) {
        result = { ...base, outcome: 'failed', error: error.message }; // nothing was sent for this one
      } else if (error instanceof AuthError || error instanceof NetworkError || !(error instanceof ApiError)) {
        report.not_processed = total - done;
        return { report, stoppedBy: error instanceof Error ? error : new Error(String(error)) };
      } else {
        result = { ...base, outcome: 'failed', error: error.message };
      }
    }
    count(report, result);
    done++;
    options.onResult?.(result, done, total);
  }
  report.not_processed = total - done;
  return { report };
}

function count(report: BatchReport, result: EventResult): void {
  report.results.push(result);
  report[result.outcome]++;
}

/** Events that did not reach the desired end state (for the exit code): still rejected or failed. */
export function unsuccessful(report: BatchReport): number {
  return report.results.filter((r) => {
    const o = BATCH_OUTCOMES[r.outcome];
    return o === 'still_rejected' || o === 'failed';
  }).length;
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
