// One outcome vocabulary: every journal word maps onto it, `rejected retry/delete` count in it, and the
// journal's words themselves are unchanged, so journals written before still resume as they did.
import { describe, expect, it } from 'vitest';
import { FINAL_OUTCOMES, isFinalOutcome, RETRYABLE_OUTCOMES } from '../../../src/workflows/recover/journal.js';
import { countOutcomes, JOURNAL_OUTCOMES, OUTCOMES } from '../../../src/workflows/rejected/outcomes.js';
import { emptyReport } from '../../../src/workflows/rejected/retry-delete.js';
import { tallyResults } from '../../../src/workflows/recover/session.js';
import type { EventRecord } from '../../../src/workflows/recover/journal.js';

describe('the outcome vocabulary', () => {
  it('is delivered, still rejected, deleted, gone, failed, skipped', () => {
    expect(OUTCOMES).toEqual(['delivered', 'still_rejected', 'deleted', 'gone', 'failed', 'skipped']);
  });

  it('maps every journal word: final ones to a done outcome, the others to one a re-run acts on again', () => {
    expect(Object.keys(JOURNAL_OUTCOMES).sort()).toEqual([...FINAL_OUTCOMES, ...RETRYABLE_OUTCOMES].sort());
    for (const word of FINAL_OUTCOMES) expect(['delivered', 'deleted', 'gone', 'skipped'], word).toContain(JOURNAL_OUTCOMES[word]);
    expect(RETRYABLE_OUTCOMES.map((w) => JOURNAL_OUTCOMES[w])).toEqual(['still_rejected', 'failed', 'skipped', undefined]);
    expect(RETRYABLE_OUTCOMES.some((w) => isFinalOutcome(w))).toBe(false);
  });

  it('is what rejected retry/delete count (--json keys): an id not in the list is gone', () => {
    const report = emptyReport('retry', { events: [], missing: ['evt-1'] });
    for (const word of OUTCOMES) expect(report[word], word).toBe(word === 'gone' ? 1 : 0);
    expect(report.results).toEqual([{ id: 'evt-1', event_name: null, entity: null, rejected_at: null, outcome: 'gone' }]);
  });

  it('tallies a journal written with every word, as recover reports it', () => {
    const words = [...FINAL_OUTCOMES, ...RETRYABLE_OUTCOMES];
    const records = new Map(words.map((outcome, i) => [String(i), { outcome } as EventRecord]));
    expect(countOutcomes(records.values())).toEqual({ delivered: 2, still_rejected: 1, deleted: 2, gone: 1, failed: 1, skipped: 2 });
    expect(tallyResults(records, 3)).toEqual({ delivered: 2, deleted: 2, gone: 1, failed: 2, skipped: 2, remaining: 3 });
  });
});
