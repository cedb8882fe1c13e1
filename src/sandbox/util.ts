// Small helpers shared by the sandbox's modules: randomness, ids, time.
import { randomBytes } from 'node:crypto';

/** A small seeded PRNG (mulberry32), so scenarios come out the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomId(prefix: string, bytes = 8): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/** Wall-clock milliseconds with sub-millisecond precision (for the receiver's delivery log). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export function isoNow(): string {
  return new Date().toISOString();
}

/** Picks a latency from `ms` or `[min, max]`. */
export function pickLatency(latency: number | readonly [number, number] | undefined): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  const [min, max] = latency;
  return min + Math.random() * Math.max(0, max - min);
}

/** Parses "MS" or "MIN-MAX" (the CLI's --latency). */
export function parseLatency(text: string): number | [number, number] {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) throw new Error(`latency must be MS or MIN-MAX, got "${text}"`);
  const min = Number(m[1]);
  if (m[2] === undefined) return min;
  const max = Number(m[2]);
  if (max < min) throw new Error(`latency range ${text}: MAX is below MIN`);
  return [min, max];
}

export const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
