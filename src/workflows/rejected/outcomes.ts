// One vocabulary for what became of a rejected event that nsx acted on, whichever command acted:
// delivered, still rejected, deleted, gone, failed, skipped. The journal keeps its own finer words (resume
// reads them, and old journals must stay readable): they are mapped here, and every tally (recover's,
// triage's, `rejected retry/delete`'s, whose --json keys are these words) counts through this table.
import type { EventOutcomeKind } from '../recover/journal.js';

export const OUTCOMES = ['delivered', 'still_rejected', 'deleted', 'gone', 'failed', 'skipped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Journal word -> outcome. `delivered_gone`/`deleted_gone`: a send whose answer was lost took effect (the
 * event was gone when nsx looked); `gone`: no longer rejected before nsx touched it; `held`: not sent,
 * since an earlier event of its entity was not delivered; `interrupted`: no outcome, left to do.
 */
export const JOURNAL_OUTCOMES: Readonly<Record<EventOutcomeKind, Outcome | undefined>> = {
  delivered: 'delivered',
  delivered_gone: 'delivered',
  rejected: 'still_rejected',
  deleted: 'deleted',
  deleted_gone: 'deleted',
  gone: 'gone',
  error: 'failed',
  skipped: 'skipped',
  held: 'skipped',
  interrupted: undefined,
};

export type OutcomeCounts = Record<Outcome, number>;

export function noOutcomes(): OutcomeCounts {
  return { delivered: 0, still_rejected: 0, deleted: 0, gone: 0, failed: 0, skipped: 0 };
}

/** Counts journal records' outcomes (records without one, interrupted, are not counted). */
export function countOutcomes(records: Iterable<{ outcome: EventOutcomeKind }>): OutcomeCounts {
  const counts = noOutcomes();
  for (const rec of records) {
    const o = JOURNAL_OUTCOMES[rec.outcome];
    if (o) counts[o]++;
  }
  return counts;
}

/** Events that did not reach what was asked: still rejected, or the call failed. */
export function notDone(counts: OutcomeCounts): number {
  return counts.still_rejected + counts.failed;
}
