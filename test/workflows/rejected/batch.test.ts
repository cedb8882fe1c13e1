// The batch engine behind `rejected retry/delete` (and reusable by recover): order, outcomes, stopping.
import { describe, expect, it } from 'vitest';
import type { RejectedEvent, RetryResult } from '../../../src/api/schemas.js';
import { ApiError, AuthError, NetworkError } from '../../../src/errors.js';
import { applyRejectedBatch } from '../../../src/workflows/rejected/batch.js';
import { oldestFirst, selectRejectedEvents } from '../../../src/workflows/rejected/listing.js';

const event = (id: string, at: string, name = 'order.created'): RejectedEvent => ({
  id,
  rejected_at: at,
  attempts: 1,
  event: { name, payload: { id: `ord-${id}` } },
  response: { status_code: 400, body: { message: 'no' } },
});

function fakeApi(events: RejectedEvent[], answer: (id: string) => RetryResult | Error) {
  const calls: string[] = [];
  return {
    calls,
    api: {
      async *rejectedEvents() {
        yield* events;
      },
      async retryRejectedEvent(_id: string, eventId: string) {
        calls.push(`retry ${eventId}`);
        const a = answer(eventId);
        if (a instanceof Error) throw a;
        return a;
      },
      async deleteRejectedEvent(_id: string, eventId: string) {
        calls.push(`delete ${eventId}`);
        const a = answer(eventId);
        if (a instanceof Error) throw a;
      },
    },
  };
}
const notFound = () => new ApiError({ status: 404, method: 'POST', url: 'http://x/y' });
const serverError = () => new ApiError({ status: 500, method: 'POST', url: 'http://x/y', title: 'boom' });

describe('rejected batch', () => {
  it('orders by rejected_at, keeping the server order for ties and unreadable times', () => {
    const list = [event('c', '2026-01-03T00:00:00Z'), event('a', '2026-01-01T00:00:00Z'), event('x', 'garbage'), event('b', '2026-01-01T00:00:00.000Z')];
    expect(oldestFirst(list).map((e) => e.id)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('selects explicit ids narrowed by the filter, and names the missing and the excluded ones', async () => {
    const { api } = fakeApi([event('a', '2026-01-02T00:00:00Z'), event('b', '2026-01-01T00:00:00Z', 'order.opened'), event('c', '2026-01-01T00:00:00Z')], () => ({ delivered: true }));
    const s = await selectRejectedEvents(api, 'i', { eventIds: ['a', 'b', 'c', 'zz'], filter: { events: ['order.created'] } });
    expect(s.events.map((e) => e.id)).toEqual(['c', 'a']);
    expect(s.missing).toEqual(['zz']);
    expect(s.excluded).toEqual(['b']);
  });

  it('counts delivered, still rejected, not found (404) and failed, and goes on after a failed event', async () => {
    const events = ['a', 'b', 'c', 'd'].map((id, i) => event(id, `2026-01-0${i + 1}T00:00:00Z`));
    const { api, calls } = fakeApi(events, (id) =>
      id === 'a' ? { delivered: true } : id === 'b' ? { delivered: false, response: { status_code: 400 } } : id === 'c' ? notFound() : serverError(),
    );
    const seen: string[] = [];
    const { report, stoppedBy } = await applyRejectedBatch(api, 'i', 'retry', { events, missing: ['m'] }, { onResult: (r, done, total) => seen.push(`${done}/${total} ${r.outcome}`) });
    expect(stoppedBy).toBeUndefined();
    expect(calls).toEqual(['retry a', 'retry b', 'retry c', 'retry d']);
    expect(seen).toEqual(['1/4 delivered', '2/4 still_rejected', '3/4 not_found', '4/4 failed']);
    expect(report).toMatchObject({ selected: 4, delivered: 1, still_rejected: 1, not_found: 2, failed: 1, not_processed: 0 });
    expect(report.results[0]).toMatchObject({ id: 'm', outcome: 'not_found' });
  });

  it.each([
    ['an auth failure', () => new AuthError('nope')],
    ['a lost connection', () => new NetworkError('reset', 'ECONNRESET')],
  ])('stops at %s and reports what was left untouched', async (_what, error) => {
    const events = ['a', 'b', 'c'].map((id, i) => event(id, `2026-01-0${i + 1}T00:00:00Z`));
    const { api, calls } = fakeApi(events, (id) => (id === 'b' ? error() : { delivered: true }));
    const { report, stoppedBy } = await applyRejectedBatch(api, 'i', 'delete', { events, missing: [] });
    expect(stoppedBy).toBeInstanceOf(Error);
    expect(calls).toEqual(['delete a', 'delete b']);
    expect(report).toMatchObject({ deleted: 1, not_processed: 2 });
  });

  it('stops between events once the signal is aborted, finishing the call in flight', async () => {
    const events = ['a', 'b', 'c'].map((id, i) => event(id, `2026-01-0${i + 1}T00:00:00Z`));
    const abort = new AbortController();
    const { api, calls } = fakeApi(events, () => ({ delivered: true }));
    const { report } = await applyRejectedBatch(api, 'i', 'retry', { events, missing: [] }, { signal: abort.signal, onResult: () => abort.abort() });
    expect(calls).toEqual(['retry a']);
    expect(report).toMatchObject({ delivered: 1, interrupted: true, not_processed: 2 });
  });
});
