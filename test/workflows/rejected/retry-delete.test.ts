// `rejected retry/delete` on the one engine (a hand run: lock, journal, recover's apply), against a fake
// API: order, the outcome vocabulary, what the journal records, and when a run stops early.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RejectedEvent, RetryResult } from '../../../src/api/schemas.js';
import { ApiError, AuthError, NetworkError } from '../../../src/errors.js';
import { findResumableRun, readJournal, type EventRecord } from '../../../src/workflows/recover/journal.js';
import { HandRun } from '../../../src/workflows/rejected/hand-run.js';
import { runRejectedBatch, type BatchAction } from '../../../src/workflows/rejected/retry-delete.js';

const event = (id: string, at: string, entity = `ord-${id}`): RejectedEvent => ({
  id,
  rejected_at: at,
  attempts: 1,
  event: { name: 'order.created', payload: { order_id: entity } },
  response: { status_code: 400, body: { message: 'no' } },
});
const events = (...ids: string[]) => ids.map((id, i) => event(id, `2026-01-0${i + 1}T00:00:00Z`));

function fakeApi(list: RejectedEvent[], answer: (id: string) => RetryResult | Error) {
  const calls: string[] = [];
  const call = (what: string, eventId: string) => {
    calls.push(`${what} ${eventId}`);
    const a = answer(eventId);
    if (a instanceof Error) throw a;
    return a;
  };
  return {
    calls,
    api: {
      async *rejectedEvents() {
        yield* list;
      },
      async retryRejectedEvent(_id: string, eventId: string) {
        return call('retry', eventId);
      },
      async deleteRejectedEvent(_id: string, eventId: string) {
        call('delete', eventId);
      },
    },
  };
}
const apiError = (status: number) => new ApiError({ status, method: 'POST', url: 'http://x/y', title: 'nope' });

let dir: string;
let run: HandRun;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nsx-retry-delete-'));
  run = HandRun.open({ stateDir: dir, tenant: 'acme', integration: 'erp-orders', source: 'rejected' });
});
afterEach(() => {
  run.release();
  rmSync(dir, { recursive: true, force: true });
});

function apply(api: ReturnType<typeof fakeApi>['api'], action: BatchAction, list: RejectedEvent[], missing: string[] = [], signal?: AbortSignal, onResult?: () => void) {
  return runRejectedBatch(run, api, 'erp-orders', action, { events: list, missing }, { backoffMs: () => 0, ...(signal ? { signal } : {}), ...(onResult ? { onResult } : {}) });
}

describe('rejected retry/delete on the one engine', () => {
  it('counts delivered, still rejected, gone (not listed, or a 404) and failed in the one vocabulary, goes on after a failure, and journals each event', async () => {
    const list = events('a', 'b', 'c', 'd');
    const { api, calls } = fakeApi(list, (id) =>
      id === 'a' ? { delivered: true } : id === 'b' ? { delivered: false, response: { status_code: 400, body: { message: 'still no' } } } : id === 'c' ? apiError(404) : apiError(409),
    );
    const seen: string[] = [];
    const { report, stoppedBy } = await runRejectedBatch(run, api, 'erp-orders', 'retry', { events: list, missing: ['m'] }, {
      onResult: (_rec, r, done, total) => seen.push(`${done}/${total} ${r?.outcome}`),
    });
    expect(stoppedBy).toBeUndefined();
    expect(calls).toEqual(['retry a', 'retry b', 'retry c', 'retry d']);
    expect(seen).toEqual(['1/4 delivered', '2/4 still_rejected', '3/4 gone', '4/4 failed']);
    expect(report).toMatchObject({ selected: 4, delivered: 1, still_rejected: 1, deleted: 0, gone: 2, failed: 1, skipped: 0, not_processed: 0, interrupted: false });
    expect(report.results.map((r) => [r.id, r.outcome])).toEqual([['m', 'gone'], ['a', 'delivered'], ['b', 'still_rejected'], ['c', 'gone'], ['d', 'failed']]);
    expect(report.results[2]!.response).toEqual({ status_code: 400, body: { message: 'still no' } }); // the receiver's whole answer

    run.close({ outcome: 'completed', resumable: false, exit_code: 6 });
    const journal = readJournal(run.journalPath!);
    expect(journal.header).toMatchObject({ tenant: 'acme', integration: 'erp-orders', options: { source: 'rejected', concurrency: 1 } });
    const recorded = journal.records.filter((r): r is EventRecord => r.type === 'event').map((r) => [r.event_id, r.action, r.outcome]);
    expect(recorded).toEqual([['a', 'retry', 'delivered'], ['b', 'retry', 'rejected'], ['c', 'retry', 'gone'], ['d', 'retry', 'error']]);
    expect(journal.end).toMatchObject({ outcome: 'completed', exit_code: 6 });
  });

  it('two events of one entity go in order; when the first is still rejected the second is held back (skipped), not sent', async () => {
    const list = [event('a', '2026-01-01T00:00:00Z', 'ord-1'), event('b', '2026-01-02T00:00:00Z', 'ord-2'), event('c', '2026-01-03T00:00:00Z', 'ord-1')];
    const { api, calls } = fakeApi(list, (id) => (id === 'a' ? { delivered: false, response: { status_code: 400 } } : { delivered: true }));
    const { report } = await apply(api, 'retry', [list[2]!, list[0]!, list[1]!]); // given out of order
    expect(calls).toEqual(['retry a', 'retry b']);
    expect(report).toMatchObject({ delivered: 1, still_rejected: 1, skipped: 1, not_processed: 0 });
    expect(report.results.find((r) => r.id === 'c')).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/earlier event of the same entity/) });
  });

  it.each([
    ['an auth failure', () => new AuthError('nope')],
    ['a refused connection', () => new NetworkError('refused', 'ECONNREFUSED')],
    ['a lost connection', () => new NetworkError('reset', 'ECONNRESET')],
  ])('stops at %s and reports what was left untouched', async (_what, error) => {
    const list = events('a', 'b', 'c');
    const { api, calls } = fakeApi(list, (id) => (id === 'b' ? error() : { delivered: true }));
    const { report, stoppedBy } = await apply(api, 'delete', list);
    expect(stoppedBy).toBeInstanceOf(Error);
    expect(stoppedBy?.constructor).toBe(error().constructor);
    expect(calls).not.toContain('delete c');
    expect(calls[0]).toBe('delete a');
    expect(report).toMatchObject({ deleted: 1, failed: 1, not_processed: 1, interrupted: false });
  });

  it('stops between events once the signal is aborted, finishing the call in flight', async () => {
    const list = events('a', 'b', 'c');
    const abort = new AbortController();
    const { api, calls } = fakeApi(list, () => ({ delivered: true }));
    const { report } = await apply(api, 'retry', list, [], abort.signal, () => abort.abort());
    expect(calls).toEqual(['retry a']);
    expect(report).toMatchObject({ delivered: 1, interrupted: true, not_processed: 2 });
  });

  it('a run that crashed (no end line) is not one a plain recover resumes: a person chose its events', async () => {
    const list = events('a', 'b');
    const { api } = fakeApi(list, () => ({ delivered: true }));
    await apply(api, 'delete', list);
    expect(readJournal(run.journalPath!).end).toBeUndefined(); // never closed, as after a SIGKILL
    expect(findResumableRun(dir, 'acme', 'erp-orders')).toBeUndefined();
  });
});
