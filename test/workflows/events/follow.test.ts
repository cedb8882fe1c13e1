// Following published events (src/workflows/events/follow.ts) against a fake API whose attempts appear
// late (recorded when they end) and share instants across a poll's boundary: each returned once, none missed.
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../src/api/schemas.js';
import { attemptKey, PublishedFollower } from '../../../src/workflows/events/follow.js';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');

/** The API as of `now`: attempts whose `visibleAt` has passed, in [from, to]. */
function lateApi(store: { e: PublishedEvent; visibleAt: number }[], clock: { now: number }) {
  return {
    async publishedEvents(query: Record<string, string | undefined>) {
      const from = Date.parse(query.from!);
      const to = Date.parse(query.to!);
      return store.filter(({ e, visibleAt }) => visibleAt <= clock.now && Date.parse(e.attempted_at!) >= from && Date.parse(e.attempted_at!) <= to).map(({ e }) => e);
    },
  };
}
const attempt = (at: number, id: string, retries = 9): PublishedEvent => ({ attempted_at: new Date(at).toISOString(), entity_id: id, integration_id: 'erp', event_name: 'order.created', retries_remaining: retries, status: 'SUCCESS' });

describe('PublishedFollower', () => {
  it('returns attempts that appear late, and those sharing the boundary instant, exactly once', async () => {
    const clock = { now: T0 };
    const store: { e: PublishedEvent; visibleAt: number }[] = [];
    const follower = new PublishedFollower(lateApi(store, clock), {}, { since: T0, lateMs: 10_000 });
    const seen: PublishedEvent[] = [];
    const poll = async (now: number) => {
      clock.now = now;
      seen.push(...(await follower.poll(now)));
    };
    store.push({ e: attempt(T0 + 1000, 'a'), visibleAt: T0 + 1000 });
    store.push({ e: attempt(T0 + 2000, 'b'), visibleAt: T0 + 2000 });
    await poll(T0 + 2000); // 'b' is at the window's last instant
    store.push({ e: attempt(T0 + 2000, 'c'), visibleAt: T0 + 2500 }); // same instant as 'b', seen later
    store.push({ e: attempt(T0 + 1500, 'slow'), visibleAt: T0 + 6000 }); // started before 'b', ended 4.5 s later
    await poll(T0 + 3000);
    await poll(T0 + 7000);
    // two attempts alike in every field (a duplicate delivery in the same millisecond) are two lines
    store.push({ e: attempt(T0 + 8000, 'dup'), visibleAt: T0 + 8000 }, { e: attempt(T0 + 8000, 'dup'), visibleAt: T0 + 8000 });
    await poll(T0 + 9000);
    for (let t = T0 + 10_000; t < T0 + 40_000; t += 1000) await poll(t);
    expect(seen.map((e) => e.entity_id)).toEqual(['a', 'b', 'c', 'slow', 'dup', 'dup']);
    expect(follower.remembered).toBe(0); // everything older than the overlap was forgotten
  });

  it('keys an attempt by entity, instant, integration, event, retries left and status', () => {
    expect(attemptKey(attempt(T0, 'x', 9))).not.toBe(attemptKey(attempt(T0, 'x', 8)));
    expect(attemptKey(attempt(T0, 'x'))).toBe(attemptKey({ ...attempt(T0, 'x'), status: 'success' }));
  });

  it('never returns attempts before --since, and applies the local match', async () => {
    const clock = { now: T0 + 5000 };
    const store = [
      { e: attempt(T0 - 1000, 'old'), visibleAt: T0 },
      { e: attempt(T0 + 1000, 'keep'), visibleAt: T0 },
      { e: { ...attempt(T0 + 2000, 'other'), event_name: 'order.opened' }, visibleAt: T0 },
    ];
    const follower = new PublishedFollower(lateApi(store, clock), {}, { since: T0, matches: (e) => e.event_name === 'order.created' });
    expect((await follower.poll(clock.now)).map((e) => e.entity_id)).toEqual(['keep']);
  });
});
