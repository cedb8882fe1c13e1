import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, type LevelChange } from '../../../src/workflows/pace/adaptive.js';

/** A fake monotonic clock. */
function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

type Clock = ReturnType<typeof clock>;
let t: Clock;

/** Answers one full round of calls made together, each after `latencyMs` (the clock moves on); the changes. */
function round(c: AdaptiveConcurrency, latencyMs: number): LevelChange[] {
  t.advance(latencyMs);
  const changes: LevelChange[] = [];
  const calls = Math.max(2, c.level);
  for (let i = 0; i < calls; i++) {
    const change = c.answered(latencyMs);
    if (change) changes.push(change);
  }
  return changes;
}

describe('AdaptiveConcurrency', () => {
  it('starts at 2 and doubles while latency stays at its baseline, up to the cap', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    expect(c.started()).toEqual({ level: 2, from: 0, reason: 'start', detail: 'start at 2, at most 32' });
    const levels = [c.level];
    for (let i = 0; i < 6; i++) {
      round(c, 20);
      levels.push(c.level);
    }
    expect(levels).toEqual([2, 4, 8, 16, 32, 32, 32]);
  });

  it('while doubling, grows at least to what sends 160 calls a second at the round\'s latency: slow rounds are few', () => {
    const climb = (latencyMs: number, max = 32): number[] => {
      t = clock();
      const c = new AdaptiveConcurrency({ max, now: t.now });
      const levels = [c.level];
      while (levels.length < 8 && (levels.length < 2 || levels.at(-1) !== levels.at(-2))) {
        round(c, latencyMs);
        levels.push(c.level);
      }
      return levels.slice(0, -1);
    };
    expect(climb(20)).toEqual([2, 4, 8, 16, 32]); // 3.2 in flight is 160/s: doubling is faster
    expect(climb(50)).toEqual([2, 8, 16, 32]); // 8 in flight at 50 ms is 160/s
    expect(climb(65)).toEqual([2, 11, 22, 32]);
    expect(climb(250)).toEqual([2, 32]);
    expect(climb(250, 12)).toEqual([2, 12]); // never above the cap
    // Once trouble was seen (here a 429), growth is +1 a round at any latency.
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    round(c, 200);
    c.throttled(503, undefined);
    const after = c.level;
    round(c, 200);
    expect(c.level).toBe(after + 1);
  });

  it('never goes above --max-concurrency, even when it is not a power of two', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 5, now: t.now });
    let highest = 0;
    for (let i = 0; i < 20; i++) {
      round(c, 50);
      highest = Math.max(highest, c.level);
    }
    expect(highest).toBe(5);
    expect(c.level).toBe(5);
    expect(new AdaptiveConcurrency({ max: 1, now: t.now }).level).toBe(1);
  });

  it('halves on a 429 or 503; a Retry-After of 2 s or more pauses new calls until it has passed, a shorter one only the call it answered', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    round(c, 20);
    round(c, 20);
    expect(c.level).toBe(8);
    const change = c.throttled(503, 2000);
    expect(change).toMatchObject({ level: 4, from: 8, reason: 'throttled' });
    expect(change?.detail).toBe('503, Retry-After 2000 ms');
    expect(c.pauseMs()).toBe(2000);
    t.advance(400);
    expect(c.pauseMs()).toBe(1600);
    // The other calls of that burst answered 503 too: no second halving in the same round, the pause kept.
    expect(c.throttled(503, 2000)).toBeUndefined();
    expect(c.level).toBe(4);
    expect(c.pauseMs()).toBe(2000);
    t.advance(2000);
    expect(c.pauseMs()).toBe(0);

    // A 429 with Retry-After: 1, the least the header can say: only the call it answered waits it out
    // (apply does); new calls keep the pace learnt from the 429, with no pause. Paced, the level is not
    // halved below what the pace keeps in flight at the baseline latency.
    const d = new AdaptiveConcurrency({ max: 32, now: t.now });
    round(d, 20);
    round(d, 20);
    const paced = d.throttled(429, 1000);
    // 2 + 4 answers from t=20 ms to t=40 ms (less than a second seen, so the larger margin): the pace is 0.85 x 6 / 21 ms.
    expect(paced?.detail).toBe('429, Retry-After 1000 ms; pace 242.9/s');
    expect(paced).toMatchObject({ level: 6, from: 8 }); // 242.9/s x 20 ms = 4.9 in flight: 5, + 1
    expect(d.pauseMs()).toBe(0);
    expect(d.reserve()).toBe(0);
    expect(d.pauseMs()).toBeCloseTo(1000 / d.pace!, 5);
    expect(d.pauseMs()).toBeLessThan(10);
  });

  it('after a 429, starts calls at the pace learnt from the last second of answers, raised 1% a second', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    for (let i = 0; i < 200; i++) {
      t.advance(10); // 100 answers a second, for two seconds
      c.answered(20);
    }
    expect(c.pace).toBeUndefined();
    expect(c.reserve()).toBe(0); // no pace before a 429
    expect(c.reserve()).toBe(0);
    c.throttled(429, 1000);
    expect(c.pace).toBeCloseTo(95, 5); // 0.95 x the 100 answers of the last second
    expect(c.pauseMs()).toBe(0); // a 1 s Retry-After holds only the call it answered
    // Three calls ready at once (the repeats of one burst): each takes the next slot of the pace.
    expect(c.reserve()).toBe(0);
    expect(c.reserve()).toBeCloseTo(1000 / 95, 5);
    expect(c.reserve()).toBeCloseTo(2000 / 95, 5);
    t.advance(3000 / 95);
    expect(c.pauseMs()).toBeCloseTo(0, 5);
    t.advance(10_000);
    expect(c.pace).toBeCloseTo(95 * 1.1, 0); // ten seconds without a 429: +1% a second
    // A later 429, after a second of answers at 80/s: 0.95x the lower of that rate and the pace.
    for (let i = 0; i < 80; i++) {
      t.advance(12.5);
      c.answered(20);
    }
    c.throttled(429, 1000);
    expect(c.pace).toBeCloseTo(0.95 * 80, 0);
    // A 503 (not a rate limit) halves the level and honours Retry-After, but learns no pace.
    const d = new AdaptiveConcurrency({ max: 32, now: t.now });
    d.answered(20);
    d.throttled(503, 500);
    expect(d.pace).toBeUndefined();
  });

  it('after a throttle grows by one per round and stays below the level that was throttled', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    round(c, 20);
    round(c, 20); // 8
    c.throttled(503, undefined); // 4, ceiling 8
    expect(c.pauseMs()).toBe(0);
    const levels: number[] = [];
    for (let i = 0; i < 6; i++) {
      round(c, 20);
      levels.push(c.level);
    }
    expect(levels).toEqual([5, 6, 7, 7, 7, 7]);
    // ... until the ceiling expires (20 rounds after the throttle).
    for (let i = 0; i < 20; i++) round(c, 20);
    expect(c.level).toBeGreaterThan(7);
  });

  it('backs off on a latency jump and holds while latency is raised but not jumping', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    round(c, 50); // 2 -> 8: 160 calls a second at 50 ms
    expect(c.level).toBe(8);
    expect(round(c, 90)).toEqual([]); // 1.8x: throughput no longer grows, hold
    expect(c.level).toBe(8);
    expect(round(c, 200)).toEqual([]); // above 2x + 5 ms once: may be noise, hold
    expect(round(c, 50)).toMatchObject([{ level: 9, from: 8, reason: 'grow' }]); // it was noise (+1: trouble was seen)
    expect(round(c, 200)).toEqual([]);
    const [change] = round(c, 200); // twice in a row: back off
    expect(change).toMatchObject({ level: 6, from: 9, reason: 'latency' });
    expect(change?.detail).toBe('latency jump: round mean 200 ms (baseline 50 ms)');
    round(c, 50);
    expect(c.level).toBe(7); // no more doubling once trouble was seen
  });

  it('a latency back-off stops at half the last level that still grew', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, now: t.now });
    for (let i = 0; i < 4; i++) round(c, 10); // 2 4 8 16 32: 16 was the last level that grew
    expect(c.level).toBe(32);
    const levels: number[] = [];
    for (let i = 0; i < 10; i++) {
      round(c, 100);
      levels.push(c.level);
    }
    expect(levels).toEqual([32, 22, 22, 15, 15, 10, 10, 8, 8, 8]);
  });

  it('never goes below 1', () => {
    t = clock();
    const c = new AdaptiveConcurrency({ max: 32, start: 1, now: t.now });
    const change = c.throttled(429, 2000);
    expect(change).toMatchObject({ level: 1, reason: 'throttled' });
    round(c, 10);
    for (let i = 0; i < 5; i++) round(c, 500);
    expect(c.level).toBe(1);
  });
});
