// The sandbox's token-bucket rate limit (--rate-limit): overall and per route, 429 with Retry-After.
import { afterEach, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/sandbox/faults.js';
import { parseRateLimits } from '../../src/commands/sandbox/numbers.js';
import { FAULT_ROUTE_KEYS } from '../../src/sandbox/index.js';
import { EVENTSTREAM, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('TokenBucket', () => {
  it('holds a tenth of a second of tokens, refills at the rate, and says how long until the next', () => {
    let now = 0;
    const b = new TokenBucket(100, () => now);
    expect(b.capacity).toBe(10);
    for (let i = 0; i < 10; i++) expect(b.take()).toBeUndefined();
    expect(b.take()).toBe(1); // empty: Retry-After 1 s (whole seconds, at least 1)
    now += 50; // 5 tokens
    for (let i = 0; i < 5; i++) expect(b.take()).toBeUndefined();
    expect(b.take()).toBe(1);
    now += 10_000; // never more than the capacity
    let taken = 0;
    while (b.take() === undefined) taken++;
    expect(taken).toBe(10);
    const slow = new TokenBucket(0.25, () => now); // one token per 4 s
    expect(slow.take()).toBeUndefined();
    expect(slow.take()).toBe(4);
  });
});

describe('--rate-limit values', () => {
  it('reads N/s overall and ROUTE=N/s per route', () => {
    expect(parseRateLimits(['100/s', 'retryRejectedEvent=50/s'], FAULT_ROUTE_KEYS)).toEqual({ rateLimit: 100, routes: { retryRejectedEvent: { rateLimit: 50 } } });
    expect(parseRateLimits([], FAULT_ROUTE_KEYS)).toEqual({});
  });
  it.each([
    ['100', /is not a limit/],
    ['0/s', /is not a limit/],
    ['retry=50/s', /unknown route retry/],
    ['-5/s', /is not a limit/],
  ])('refuses %s', (text, message) => {
    expect(() => parseRateLimits([text], FAULT_ROUTE_KEYS)).toThrow(message);
  });
  it('refuses a limit given twice', () => {
    expect(() => parseRateLimits(['10/s', '20/s'], FAULT_ROUTE_KEYS)).toThrow(/given twice/);
  });
});

describe('the sandbox under a rate limit', () => {
  it('answers 429 with Retry-After once the overall bucket is empty, and again after it refilled', async () => {
    t = await startTestSandbox({ faults: { rateLimit: 20 } }); // bucket of 2
    // 20 calls at once: the bucket holds 2 and refills one every 50 ms, so most are refused whatever the
    // machine's load (calls one after another on a busy machine can be 50 ms apart and all pass).
    const answers = await Promise.all(Array.from({ length: 20 }, () => t!.api('GET', EVENTSTREAM)));
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(10);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    await new Promise((r) => setTimeout(r, 150));
    expect((await t.api('GET', EVENTSTREAM)).status).toBe(200);
  });

  it('a route limit is that route alone; faults set at run time bring new buckets', async () => {
    t = await startTestSandbox({ faults: { routes: { getIntegration: { rateLimit: 10 } } } }); // bucket of 1
    expect((await t.api('GET', `${EVENTSTREAM}/none`)).status).toBe(404);
    expect((await t.api('GET', `${EVENTSTREAM}/none`)).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await t.api('GET', EVENTSTREAM)).status).toBe(200); // other routes unaffected
    expect((await t.admin('PUT', '/_sandbox/faults', { routes: { getIntegration: { rateLimit: 10 } } })).status).toBe(200);
    expect((await t.api('GET', `${EVENTSTREAM}/none`)).status).toBe(404);
    expect((await t.admin('PUT', '/_sandbox/faults', { rateLimit: -1 })).status).toBe(400);
  });
});
