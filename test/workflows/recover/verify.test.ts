// The gate (re-list until two listings agree) and the watch after the start, against fake reads.
import { describe, expect, it } from 'vitest';
import type { Integration, LogEntry, RejectedEvent } from '../../../src/api/schemas.js';
import { listingParallelism } from '../../../src/workflows/recover/run-recover.js';
import { gate, watchIntegration } from '../../../src/workflows/recover/verify.js';

const ev = (id: string): RejectedEvent => ({ id, rejected_at: '2026-11-20T08:00:00Z', event: { name: 'order.created', payload: {} } });

function listings(...pages: string[][]) {
  let call = 0;
  return {
    calls: () => call,
    async *rejectedEvents() {
      const ids = pages[Math.min(call++, pages.length - 1)]!;
      for (const id of ids) yield ev(id);
    },
  };
}

describe('listingParallelism', () => {
  it('reads as many pages at once as recover may make calls, at most 8, and one at a time under --rate', () => {
    expect(listingParallelism(1, undefined)).toBe(1);
    expect(listingParallelism(4, undefined)).toBe(4);
    expect(listingParallelism(64, undefined)).toBe(8);
    expect(listingParallelism(8, 20)).toBe(1);
  });
});

describe('gate', () => {
  it('stops at the first two listings that agree', async () => {
    const api = listings(['a'], [], []);
    const g = await gate(api, 'x', { intervalMs: 0 });
    expect(g).toMatchObject({ stable: true, listings: 3, remaining: [] });
  });
  it('reports what remains once stable', async () => {
    const g = await gate(listings(['a', 'b'], ['b', 'a']), 'x', { intervalMs: 0 });
    expect(g.stable).toBe(true);
    expect(g.remaining.map((e) => e.id)).toEqual(['b', 'a']);
  });
  it('gives up (unstable) when listings keep changing', async () => {
    const g = await gate(listings(['a'], ['b'], ['c'], ['d']), 'x', { intervalMs: 0, maxListings: 4 });
    expect(g).toMatchObject({ stable: false, listings: 4 });
  });
});

describe('watchIntegration', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  function reads(status: string[], logs: LogEntry[], rejected: string[][]) {
    let tick = 0;
    return {
      async getIntegration(): Promise<Integration> {
        return { id: 'x', status: status[Math.min(tick, status.length - 1)]! };
      },
      async *logs() {
        for (const l of logs) yield l;
      },
      async *rejectedEvents() {
        const ids = rejected[Math.min(tick++, rejected.length - 1)]!;
        for (const id of ids) yield ev(id);
      },
    };
  }

  it('a calm watch: running, no new rejections, only new warnings counted', async () => {
    const logs: LogEntry[] = [
      { id: 'l2', created_at: '2026-11-20T10:00:01Z', level: 'warning', message: 'delivery of order.created e1 failed (HTTP 503); retrying with back-off' },
      { id: 'l1', created_at: '2026-11-20T09:00:00Z', level: 'error', message: 'stopped: old news' },
    ];
    const w = await watchIntegration(reads(['running'], logs, [['old']]), 'x', { durationMs: 30, pollMs: 10, sinceMs: now, knownRejected: ['old'] });
    expect(w).toMatchObject({ status: 'running', stopped: false, newRejections: [] });
    expect(w.problems.map((p) => p.id)).toEqual(['l2']);
    expect(w.stopEntry).toBeUndefined();
  });

  it('ends early when the integration stops again, with the log entry that says why', async () => {
    const logs: LogEntry[] = [{ id: 'l9', created_at: '2026-11-20T10:00:02Z', level: 'error', message: 'stopped: 100 rejected events are stored, the limit of 100' }];
    const w = await watchIntegration(reads(['stopped'], logs, [[]]), 'x', { durationMs: 60_000, sinceMs: now, knownRejected: [] });
    expect(w.stopped).toBe(true);
    expect(w.stopEntry?.id).toBe('l9');
  });

  it('ends early on a new rejected event', async () => {
    const w = await watchIntegration(reads(['running'], [], [['old'], ['old', 'new']]), 'x', { durationMs: 60_000, pollMs: 1, sinceMs: now, knownRejected: ['old'] });
    expect(w.newRejections.map((e) => e.id)).toEqual(['new']);
  });
});
