// Reading a published-events window in slices (src/workflows/events/read.ts) against a fake API that cuts
// its answers at a cap and includes `to`, as a real one might: every attempt once, newest first, slices
// of fewer than the cap, and a one-second slice that is still full reported.
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../src/api/schemas.js';
import { readPublishedEvents, type Slice } from '../../../src/workflows/events/read.js';

const T0 = Date.parse('2026-11-30T00:00:00.000Z');
const attempt = (at: number, n: number): PublishedEvent => ({ attempted_at: new Date(at).toISOString(), entity_id: `e${n}`, status: 'SUCCESS' });

/** A fake API: attempts in [from, to] (to included), oldest first, at most `cap` of them. */
function fakeApi(all: PublishedEvent[], cap: number) {
  const asked: Slice[] = [];
  return {
    asked,
    api: {
      async publishedEvents(query: Record<string, string | undefined>): Promise<PublishedEvent[]> {
        const from = Date.parse(query.from!);
        const to = Date.parse(query.to!);
        asked.push({ from, to });
        return all.filter((e) => Date.parse(e.attempted_at!) >= from && Date.parse(e.attempted_at!) <= to).slice(0, cap);
      },
    },
  };
}

async function collect(gen: AsyncIterable<PublishedEvent>): Promise<PublishedEvent[]> {
  const out: PublishedEvent[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

describe('readPublishedEvents', () => {
  it('reads a window holding 10x the cap in slices: every attempt once, newest first, even those on a slice boundary', async () => {
    // 1,000 attempts over an hour, some sharing an instant, one exactly at every slice boundary the halving meets
    const all = Array.from({ length: 1000 }, (_, i) => attempt(T0 + Math.floor(i / 2) * 7200, i));
    all.push(attempt(T0 + 1_800_000, 5000), attempt(T0 + 900_000, 5001));
    const { api, asked } = fakeApi(all, 100);
    const got = await collect(readPublishedEvents(api, { from: T0, to: T0 + 3_600_000 }, {}, { cap: 100 }));
    expect(got.map((e) => e.entity_id).sort()).toEqual(all.map((e) => e.entity_id).sort());
    const times = got.map((e) => Date.parse(e.attempted_at!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(asked.length).toBeGreaterThan(10);
    expect(asked[0]).toEqual({ from: T0, to: T0 + 3_600_000 });
  });

  it('sends the server filters with every slice, and stops asking when the caller stops', async () => {
    const all = Array.from({ length: 400 }, (_, i) => attempt(T0 + i * 1000, i));
    const queries: Record<string, string | undefined>[] = [];
    const api = {
      async publishedEvents(query: Record<string, string | undefined>) {
        queries.push(query);
        const from = Date.parse(query.from!);
        const to = Date.parse(query.to!);
        return all.filter((e) => Date.parse(e.attempted_at!) >= from && Date.parse(e.attempted_at!) < to).slice(0, 100);
      },
    };
    let n = 0;
    for await (const e of readPublishedEvents(api, { from: T0, to: T0 + 400_000 }, { integration_id: 'erp', status: 'failure' }, { cap: 100 })) {
      expect(e).toBeDefined();
      if (++n === 5) break;
    }
    expect(queries.every((q) => q.integration_id === 'erp' && q.status === 'failure')).toBe(true);
    expect(queries.length).toBeLessThan(8); // the older slices were never asked for
  });

  it('yields a one-second slice that still answers the cap as it is, and reports it', async () => {
    const all = Array.from({ length: 50 }, (_, i) => attempt(T0 + 500, i));
    const { api } = fakeApi(all, 20);
    const incomplete: [Slice, number][] = [];
    const got = await collect(readPublishedEvents(api, { from: T0, to: T0 + 60_000 }, {}, { cap: 20, onIncomplete: (s, n) => incomplete.push([s, n]) }));
    expect(got).toHaveLength(20);
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]![0].to - incomplete[0]![0].from).toBeLessThanOrEqual(1000);
    expect(incomplete[0]![1]).toBe(20);
  });
});
