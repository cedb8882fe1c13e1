// The apply engine against a fake API: plan order, per-entity order with no overlap, --on-error stop/skip,
// ambiguous failures and 404s, throttling, Ctrl-C, and the journal lines it writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RejectedEvent, RetryResult } from '../../../src/api/schemas.js';
import { ApiError, AuthError, NetworkError } from '../../../src/errors.js';
import { applyPlan, Pace, type RejectedEventCalls } from '../../../src/workflows/recover/apply.js';
import { JournalWriter, readJournal } from '../../../src/workflows/recover/journal.js';
import type { PlanEvent } from '../../../src/workflows/recover/plan.js';

function planEvent(id: string, entity: string, action: PlanEvent['action'] = 'retry', name = 'order.created'): PlanEvent {
  return { id, name, entity, rejected_at: '2026-11-20T08:00:00Z', published_at: null, action };
}

type Behaviour = (call: number) => RetryResult | Error;

/**
 * An error after the server did the work anyway (a reset or 5xx after processing): `delivered` or
 * `deleted` takes the event off the fake's rejected list, `rejected` adds an attempt.
 */
function afterEffect(effect: 'delivered' | 'deleted' | 'rejected', error: Error): Error {
  return Object.assign(error, { effect });
}

/**
 * A fake API that records calls in order, the parallelism reached and any overlap within an entity. It
 * keeps a rejected list (every event, attempts 0) that its calls change as the server's would, so that
 * apply's read after an unknown outcome sees what happened; `listing` replaces that read.
 */
function fakeApi(events: PlanEvent[], behaviour: Record<string, Behaviour> = {}, delayMs = 2, listing?: () => Error | undefined) {
  const entityOf = new Map(events.map((e) => [e.id, e.entity]));
  const attempts = new Map(events.map((e) => [e.id, 0]));
  const busy = new Map<string, number>();
  const calls: { id: string; kind: 'retry' | 'delete'; idempotent?: boolean | undefined }[] = [];
  const counts = new Map<string, number>();
  let reads = 0;
  let inFlight = 0;
  const stats = { maxParallel: 0, overlaps: 0 };
  async function enter(id: string): Promise<number> {
    const entity = entityOf.get(id)!;
    busy.set(entity, (busy.get(entity) ?? 0) + 1);
    if (busy.get(entity)! > 1) stats.overlaps++;
    inFlight++;
    stats.maxParallel = Math.max(stats.maxParallel, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    busy.set(entity, busy.get(entity)! - 1);
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    return n;
  }
  const effect = (id: string, what: string | undefined): void => {
    if (what === 'delivered' || what === 'deleted') attempts.delete(id);
    if (what === 'rejected' && attempts.has(id)) attempts.set(id, attempts.get(id)! + 1);
  };
  const api: RejectedEventCalls = {
    async retryRejectedEvent(_integration, eventId, options) {
      calls.push({ id: eventId, kind: 'retry', idempotent: options.idempotent });
      const n = await enter(eventId);
      const result = behaviour[eventId]?.(n) ?? { id: eventId, delivered: true };
      if (result instanceof Error) {
        effect(eventId, (result as { effect?: string }).effect);
        throw result;
      }
      effect(eventId, result.delivered ? 'delivered' : 'rejected');
      return result;
    },
    async deleteRejectedEvent(_integration, eventId, options) {
      calls.push({ id: eventId, kind: 'delete', idempotent: options.idempotent });
      const n = await enter(eventId);
      const result = behaviour[eventId]?.(n);
      if (result instanceof Error) {
        effect(eventId, (result as { effect?: string }).effect);
        throw result;
      }
      effect(eventId, 'deleted');
    },
    async *rejectedEvents() {
      reads++;
      const failure = listing?.();
      if (failure) throw failure;
      for (const e of events) {
        const n = attempts.get(e.id);
        if (n === undefined) continue;
        yield { id: e.id, rejected_at: e.rejected_at, attempts: n, event: { name: e.name, payload: {} }, response: { status_code: 400, body: { error: 'rejected again' } } } as unknown as RejectedEvent;
      }
    },
  };
  return { api, calls, stats, reads: () => reads, attemptsBefore: new Map(attempts) };
}

const base = { tenant: 'acme', actor: 'ops@host', backoffMs: () => 1 };
const rejected = (): RetryResult => ({ id: 'x', delivered: false, response: { status_code: 400, body: { error: 'cancellations are not supported' } } });
const apiError = (status: number) => new ApiError({ status, method: 'POST', url: 'http://x/_retry', title: `HTTP ${status}` });

describe('applyPlan', () => {
  it('sequentially: every call in plan order, skip events journaled without a call', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B', 'drop'), planEvent('3', 'C', 'skip'), planEvent('4', 'A')];
    const { api, calls } = fakeApi(events);
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop' });
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['retry:1', 'delete:2', 'retry:4']);
    expect(Object.fromEntries(result.records.map((r) => [r.event_id, r.outcome]))).toEqual({ '1': 'delivered', '2': 'deleted', '3': 'skipped', '4': 'delivered' });
    expect(result.notAttempted).toEqual([]);
  });

  it('with concurrency 8: entities run in parallel, one entity never overlaps and keeps plan order', async () => {
    const events: PlanEvent[] = [];
    for (let i = 0; i < 60; i++) events.push(planEvent(`e${i}`, `order-${i % 10}`));
    const { api, calls, stats } = fakeApi(events);
    await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 8, onError: 'stop' });
    expect(stats.overlaps).toBe(0);
    expect(stats.maxParallel).toBe(8);
    for (let k = 0; k < 10; k++) {
      const mine = calls.filter((c) => Number(c.id.slice(1)) % 10 === k).map((c) => c.id);
      expect(mine).toEqual(events.filter((e) => e.entity === `order-${k}`).map((e) => e.id));
    }
  });

  it('--on-error stop: the first event not delivered ends the run; nothing after it is sent', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B', 'retry', 'order.items_cancelled'), planEvent('3', 'C'), planEvent('4', 'D')];
    const { api, calls } = fakeApi(events, { '2': rejected });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop' });
    expect(calls.map((c) => c.id)).toEqual(['1', '2']);
    expect(result.stoppedBy).toMatchObject({ event_id: '2', outcome: 'rejected', receiver_status: 400, receiver_answer: 'cancellations are not supported' });
    expect(result.notAttempted.map((e) => e.id)).toEqual(['3', '4']);
  });

  it('--on-error skip: goes on, but holds back later events of the failed entity (their order would break)', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B'), planEvent('3', 'A'), planEvent('4', 'C')];
    const { api, calls } = fakeApi(events, { '1': rejected });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip' });
    expect(calls.map((c) => c.id)).toEqual(['1', '2', '4']);
    expect(Object.fromEntries(result.records.map((r) => [r.event_id, r.outcome]))).toEqual({ '1': 'rejected', '2': 'delivered', '3': 'held', '4': 'delivered' });
    expect(result.stoppedBy).toBeUndefined();
  });

  it('an unknown outcome is settled by a read, not a repeat: gone after a reset or 5xx means the send took effect; unchanged attempts, a fresh send', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B'), planEvent('3', 'C', 'drop')];
    const { api, calls, reads, attemptsBefore } = fakeApi(events, {
      '1': (n) => (n === 1 ? afterEffect('delivered', new NetworkError('reset', 'ECONNRESET')) : { id: '1', delivered: true }),
      '2': (n) => (n === 1 ? apiError(502) : { id: '2', delivered: true }),
      '3': (n) => (n === 1 ? afterEffect('deleted', apiError(500)) : apiError(404)),
    });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop', attempts: attemptsBefore });
    // Never as idempotent to the HTTP layer: apply alone decides about a second send.
    expect(calls.map((c) => `${c.id}:${c.idempotent ?? '-'}`)).toEqual(['1:false', '2:false', '2:false', '3:false']);
    expect(result.records.map((r) => r.outcome)).toEqual(['delivered_gone', 'delivered', 'deleted_gone']);
    expect(result.records.map((r) => [r.sends, r.reads, r.outcome_unknown])).toEqual([[undefined, 1, undefined], [2, 1, undefined], [undefined, 1, undefined]]);
    expect(reads()).toBe(3);
  });

  it('an unknown outcome whose read shows one attempt more: rejected again, with the answer the list holds, and not sent again', async () => {
    const events = [planEvent('1', 'A')];
    const { api, calls, attemptsBefore } = fakeApi(events, { '1': () => afterEffect('rejected', apiError(502)) });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip', attempts: attemptsBefore });
    expect(calls).toHaveLength(1);
    expect(result.records[0]).toMatchObject({ outcome: 'rejected', receiver_status: 400, receiver_answer: expect.stringContaining('rejected again'), reads: 1 });
    expect(result.records[0]!.sends).toBeUndefined();
  });

  it('a 404 on the first call: already gone (handled elsewhere), not a failure', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B')];
    const { api } = fakeApi(events, { '1': () => apiError(404) });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop' });
    expect(result.records.map((r) => r.outcome)).toEqual(['gone', 'delivered']);
  });

  it('a 429 that outlasted the HTTP layer lowers the pace and the call is repeated; other 4xx fail the event', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B')];
    const { api } = fakeApi(events, { '1': (n) => (n === 1 ? apiError(429) : { id: '1', delivered: true }), '2': () => apiError(409) });
    const paces: number[] = [];
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip', ratePerSecond: 100, hooks: { onSlowDown: (r) => paces.push(r) } });
    expect(paces).toEqual([50]);
    expect(result.records.map((r) => r.outcome)).toEqual(['delivered', 'error']);
    expect(result.records[1]!.error).toContain('409');
  });

  it('--concurrency auto: a throttled call waits out its Retry-After outside the level, but is repeated only with room under the cap', async () => {
    // 16 entities; every first call answers 429 with a 60 ms Retry-After: the held calls pile up (each frees
    // its place in the level), then come back together, and still never more than 4 are in flight.
    const events = Array.from({ length: 16 }, (_, i) => planEvent(String(i), `E${i}`));
    const throttledOnce = Object.fromEntries(
      events.map((e) => [e.id, (n: number) => (n === 1 ? new ApiError({ status: 429, method: 'POST', url: 'http://x/_retry', retryAfterMs: 60 }) : { id: e.id, delivered: true })]),
    );
    const { api, stats, calls } = fakeApi(events, throttledOnce, 20);
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 4, adaptive: {}, onError: 'stop' });
    expect(result.records.map((r) => r.outcome)).toEqual(events.map(() => 'delivered'));
    expect(calls).toHaveLength(32); // each event: the 429, then its repeat
    expect(stats.overlaps).toBe(0);
    expect(stats.maxParallel).toBeGreaterThan(1);
    expect(stats.maxParallel).toBeLessThanOrEqual(4);
    for (const r of result.records) expect(r.duration_ms).toBeGreaterThanOrEqual(60);
  });

  it('gives up on an event after repeated server errors that each did nothing (read after each)', async () => {
    const events = [planEvent('1', 'A')];
    const { api, calls, reads, attemptsBefore } = fakeApi(events, { '1': () => apiError(500) });
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip', attempts: attemptsBefore });
    expect(calls).toHaveLength(6);
    expect(reads()).toBe(6);
    expect(result.records[0]).toMatchObject({ outcome: 'error', error: expect.stringContaining('500'), sends: 6 });
    expect(result.records[0]!.outcome_unknown).toBeUndefined();
  });

  it('an authentication failure ends the run with that error', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B')];
    const { api, calls } = fakeApi(events, { '1': () => new AuthError('not authorised') });
    await expect(applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip' })).rejects.toThrow('not authorised');
    expect(calls.map((c) => c.id)).toEqual(['1']);
  });

  it('Ctrl-C: no new calls, the call in flight finishes and is recorded', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B'), planEvent('3', 'C')];
    const { api, calls } = fakeApi(events, {}, 20);
    const controller = new AbortController();
    const result = await applyPlan(api, 'erp-orders', events, {
      ...base,
      concurrency: 1,
      onError: 'stop',
      signal: controller.signal,
      hooks: { onEvent: (r) => r.event_id === '1' && controller.abort() },
    });
    expect(calls.map((c) => c.id)).toEqual(['1']);
    expect(result.interrupted).toBe(true);
    expect(result.records.map((r) => r.outcome)).toEqual(['delivered']);
    expect(result.notAttempted.map((e) => e.id)).toEqual(['2', '3']);
  });

  it('Ctrl-C: a call that does not finish within the grace period is cut off and left to do', async () => {
    const events = [planEvent('1', 'A')];
    const controller = new AbortController();
    const api: RejectedEventCalls = {
      retryRejectedEvent: (_i, _e, options) =>
        new Promise((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => reject(new Error('aborted')));
          controller.abort();
        }),
      deleteRejectedEvent: async () => {},
      rejectedEvents: async function* () {},
    };
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop', signal: controller.signal, graceMs: 10 });
    expect(result.records.map((r) => r.outcome)).toEqual(['interrupted']);
  });
});

describe('applyPlan journal lines', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('writes a send line before each call and an event line with the outcome after it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nsx-apply-'));
    const events = [planEvent('1', 'A'), planEvent('2', 'B', 'retry', 'order.items_cancelled')];
    const plan = { format: 'nsx.recover-plan' as const, version: 1 as const, tenant: 'acme', integration: 'erp-orders', created_at: 'x', rules: { drop: [], skip: [], only: [] }, events };
    const journal = JournalWriter.create(
      dir,
      { run_id: '20261120T080000Z-abcd', tenant: 'acme', integration: 'erp-orders', started_at: 'x', user: 'ops', host: 'h', pid: 1, plan_summary: { total: 2, retry: 2, drop: 0, skip: 0, by_event: {} }, options: { concurrency: 1, on_error: 'stop', rate_per_second: null, source: 'recover' } },
      plan,
    );
    const { api } = fakeApi(events, { '2': rejected });
    await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'stop', journal });
    journal.close({ outcome: 'stopped_on_error', resumable: true, exit_code: 6 });
    const contents = readJournal(journal.path);
    expect(contents.records.map((r) => r.type)).toEqual(['run', 'send', 'event', 'send', 'event', 'end']);
    expect(contents.outcomes.get('2')).toMatchObject({ user: 'ops@host', tenant: 'acme', integration: 'erp-orders', event_name: 'order.items_cancelled', action: 'retry', outcome: 'rejected', receiver_status: 400 });
    expect(typeof contents.outcomes.get('1')!.duration_ms).toBe('number');
  });
});

describe('Pace', () => {
  it('halves on throttling from the observed rate when uncapped, and lifts again after successes', () => {
    const pace = new Pace();
    expect(pace.current).toBeUndefined();
    expect(pace.slowDown(40)).toBe(20);
    for (let i = 0; i < 25 * 4; i++) pace.success();
    expect(pace.current).toBeUndefined();
  });
  it('never goes above the user cap', () => {
    const pace = new Pace(10);
    pace.slowDown(999);
    expect(pace.current).toBe(5);
    for (let i = 0; i < 25 * 10; i++) pace.success();
    expect(pace.current).toBe(10);
  });
});

describe('a call whose outcome is unknown', () => {
  it('is repeated at most once while its outcome is unknown (a timeout, a 504, a read that fails, no attempts to compare); a read that shows no effect allows a fresh send', async () => {
    const events = [planEvent('1', 'A'), planEvent('2', 'B'), planEvent('3', 'C'), planEvent('4', 'D'), planEvent('5', 'E')];
    const { api, calls, attemptsBefore } = fakeApi(events, {
      '1': () => new NetworkError('timed out', 'NSX_DEADLINE'),
      '2': () => apiError(504),
      '3': (n) => (n === 1 ? new NetworkError('refused', 'ECONNREFUSED') : { id: '3', delivered: true }),
      '4': (n) => (n <= 2 ? new NetworkError('reset', 'ECONNRESET') : { id: '4', delivered: true }),
      '5': () => apiError(502),
    });
    attemptsBefore.delete('5'); // the listing gave no attempts for it: a read cannot tell "no effect"
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip', attempts: attemptsBefore });
    for (const id of ['1', '2', '5']) expect(calls.filter((c) => c.id === id), id).toHaveLength(2);
    expect(result.records.map((r) => [r.event_id, r.outcome, r.sends, r.outcome_unknown])).toEqual([
      ['1', 'error', 2, true],
      ['2', 'error', 2, true],
      ['3', 'delivered', undefined, undefined], // refused: the first was never sent, nothing unknown
      ['4', 'delivered', 3, undefined], // two resets that the reads showed did nothing
      ['5', 'error', 2, true],
    ]);
    expect(result.records[0]!.error).toMatch(/^outcome unknown, sent 2 times: timed out/);
  });

  it('a read that fails leaves the outcome unknown: one blind repeat, then an error with outcome_unknown', async () => {
    const events = [planEvent('1', 'A')];
    const { api, calls, reads, attemptsBefore } = fakeApi(events, { '1': () => apiError(500) }, 2, () => apiError(503));
    const result = await applyPlan(api, 'erp-orders', events, { ...base, concurrency: 1, onError: 'skip', attempts: attemptsBefore });
    expect(calls).toHaveLength(2);
    expect(reads()).toBe(2);
    expect(result.records[0]).toMatchObject({ outcome: 'error', sends: 2, reads: 2, outcome_unknown: true });
  });
});
