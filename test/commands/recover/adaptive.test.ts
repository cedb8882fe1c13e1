// nsx recover --concurrency auto, in-process against the sandbox under a token-bucket rate limit.
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { expectedOrder, journalLines, receiverLog, rejectedOnServer, setReceiverRule, statusOf } from './recover-sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('nsx recover --concurrency auto', () => {
  it('under a retry limit of 50/s: every event delivered once, order per entity kept, the level in the journal and --verbose', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await setReceiverRule(h, 'accept-all');
    const before = rejectedOnServer(h, 'erp-orders');
    expect(before).toHaveLength(100);
    await h.admin('PUT', '/_sandbox/faults', { latencyMs: 5, routes: { retryRejectedEvent: { rateLimit: 50 } } });

    const r = await h.nsx(['recover', 'erp-orders', '--concurrency', 'auto', '--max-concurrency', '8', '--yes', '--watch', '0', '--json', '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results).toMatchObject({ delivered: 100, failed: 0, remaining: 0 });
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    expect(statusOf(h, 'erp-orders')).toBe('running');

    // Exactly once each, and per entity in plan order (entities run in parallel, so only per entity).
    const ids = new Set(before.map((e) => e.id));
    const log = (await receiverLog(h)).filter((d) => d.event_id && ids.has(d.event_id));
    expect(log.map((d) => d.event_id).sort()).toEqual([...ids].sort());
    const order = expectedOrder(before);
    const entityOf = new Map(before.map((e) => [e.id, String(e.event.payload.order_id ?? e.id)]));
    expect(new Set(entityOf.values()).size).toBeGreaterThan(1);
    for (const entity of new Set(entityOf.values())) {
      expect(log.filter((d) => entityOf.get(d.event_id!) === entity).map((d) => d.event_id)).toEqual(order.filter((id) => entityOf.get(id) === entity));
    }
    // Never two calls of one entity at once: per entity, each delivery ends before the next starts.
    for (const entity of new Set(entityOf.values())) {
      const mine = log.filter((d) => entityOf.get(d.event_id!) === entity);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
    }

    // The journal: the options say auto, level records say where it started and why it changed.
    const lines = journalLines(report.journal);
    expect(lines[0]).toMatchObject({ type: 'run', options: { concurrency: 8, adaptive: true } });
    const levels = lines.filter((l) => l.type === 'level');
    expect(levels[0]).toMatchObject({ level: 2, from: 0, reason: 'start' });
    expect(levels.some((l) => l.reason === 'grow')).toBe(true);
    expect(levels.some((l) => l.reason === 'throttled' && String(l.detail).startsWith('429, Retry-After 1000 ms'))).toBe(true);
    expect(Math.max(...levels.map((l) => Number(l.level)))).toBeLessThanOrEqual(8);
    // Retry-After: 1 holds only the call it answered: that call is repeated a second later, and the
    // calls of other entities go on meanwhile (at the pace learnt from the 429), not paused with it.
    const throttled = [...r.stderr.matchAll(/< 429 POST \S+\/rejected_events\/([^/\s]+)\/_retry/g)].map((m) => decodeURIComponent(m[1]!));
    expect(throttled.length).toBeGreaterThan(0);
    const first = throttled[0]!;
    const outcome = lines.find((l) => l.type === 'event' && l.event_id === first);
    expect(Number(outcome?.duration_ms)).toBeGreaterThanOrEqual(1000);
    const sentAt = Date.parse(String(lines.find((l) => l.type === 'send' && l.event_id === first)?.at));
    const meanwhile = log.filter((d) => d.event_id !== first && d.start > sentAt + 200 && d.end < sentAt + 900);
    expect(meanwhile.length).toBeGreaterThan(5);
    expect(r.stderr).toContain('concurrency 2 (start: start at 2, at most 8)');
    expect(r.stderr).toMatch(/concurrency 2 -> 4 \(grow: round mean \d+ ms \(baseline \d+ ms\)\)/);
    expect(r.stderr).toMatch(/concurrency \d+ -> \d+ \(throttled: 429, Retry-After 1000 ms; pace \d+\.\d\/s\)/);
  }, 60_000);

  it.each([
    [[], 32],
    [['--max-concurrency', '3'], 3],
  ])('auto is the default: with %j the run is auto under a cap of %i (journal, --verbose, plan)', async (flags, cap) => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await setReceiverRule(h, 'accept-all');
    const r = await h.nsx(['recover', 'erp-orders', ...flags, '--yes', '--watch', '0', '--json', '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results).toMatchObject({ delivered: 100, failed: 0, remaining: 0 });
    const lines = journalLines(report.journal);
    expect(lines[0]).toMatchObject({ type: 'run', options: { concurrency: cap, adaptive: true } });
    expect(lines.find((l) => l.type === 'level')).toMatchObject({ level: 2, from: 0, reason: 'start', detail: `start at 2, at most ${cap}` });
    expect(r.stderr).toContain(`concurrency 2 (start: start at 2, at most ${cap})`);
    expect(r.stderr).toContain(`up to ${cap} entities at a time as the tenant allows (--concurrency auto)`);
  });

  it('--concurrency 1 is one event at a time, in the plan\'s order across entities', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await setReceiverRule(h, 'accept-all');
    const before = rejectedOnServer(h, 'erp-orders');
    const r = await h.nsx(['recover', 'erp-orders', '--concurrency', '1', '--yes', '--watch', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('one at a time, in this order');
    const ids = new Set(before.map((e) => e.id));
    const log = (await receiverLog(h)).filter((d) => d.event_id && ids.has(d.event_id));
    expect(log.map((d) => d.event_id)).toEqual(expectedOrder(before));
    const header = journalLines(JSON.parse(r.stdout).journal)[0];
    expect(header).toMatchObject({ options: { concurrency: 1 } });
    expect((header?.options as { adaptive?: boolean }).adaptive).not.toBe(true);
  });

  it('an unfinished run at --concurrency 1 (as every run before auto was the default) resumes at 1; a plain re-run with --yes exits 7 naming it', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await setReceiverRule(h, 'reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--concurrency', '1', '--yes', '--no-start']);
    expect(stop.code, stop.stderr).toBe(6);
    const runId = /--resume (\S+)/.exec(stop.stderr)![1]!;
    const plain = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0']);
    expect(plain.code).toBe(7);
    expect(plain.stderr).toContain(`run ${runId} (stopped on error) has --concurrency 1; this command gives no rules or options`);
    // The way on it names, run as printed: the run as it was, one at a time.
    const resume = /resume it as it is: (nsx recover .*? --yes)/.exec(plain.stderr)![1]!;
    expect(resume).toBe(`nsx recover erp-orders --resume ${runId} --watch 0 --yes`);
    await setReceiverRule(h, 'accept-all');
    const again = await h.nsx([...resume.split(' ').slice(1), '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('one at a time, in this order');
    const lines = journalLines(JSON.parse(again.stdout).journal);
    expect(lines.filter((l) => l.type === 'level')).toEqual([]);
  }, 60_000);

  it('a run stopped under auto resumes auto; with other flags and --yes it exits 7 naming --concurrency auto', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await setReceiverRule(h, 'reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--concurrency', 'auto', '--max-concurrency', '4', '--yes', '--no-start']);
    expect(stop.code, stop.stderr).toBe(6);
    expect(stop.stderr).toMatch(/resume: nsx recover erp-orders --resume \S+ --no-start --yes/); // the run keeps its options
    expect(stop.stderr).toContain('nsx recover erp-orders --drop event=order.items_cancelled --concurrency auto --max-concurrency 4 --no-start --yes');
    const other = await h.nsx(['recover', 'erp-orders', '--concurrency', '8', '--yes', '--watch', '0']);
    expect(other.code).toBe(7);
    expect(other.stderr).toContain('--concurrency auto --max-concurrency 4');
    // A plain re-run with --yes differs from the run's options too: exit 7, naming the way on.
    const plain = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0']);
    expect(plain.code).toBe(7);
    const runId = /--resume (\S+)/.exec(stop.stderr)![1]!;
    expect(plain.stderr).toContain(`nsx recover erp-orders --resume ${runId}`);
    await setReceiverRule(h, 'accept-all');
    const again = await h.nsx(['recover', 'erp-orders', '--resume', runId, '--yes', '--watch', '0', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.results).toMatchObject({ failed: 0, remaining: 0 });
    const lines = journalLines(report.journal);
    // Both sessions began at level 2, under a cap of 4.
    expect(lines.filter((l) => l.type === 'level' && l.reason === 'start').map((l) => l.detail)).toEqual(['start at 2, at most 4', 'start at 2, at most 4']);
    expect(Math.max(...lines.filter((l) => l.type === 'level').map((l) => Number(l.level)))).toBeLessThanOrEqual(4);
  }, 60_000);

  it.each([
    [['--concurrency', 'fast'], '--concurrency: "fast" must be auto or a whole number from 1 to 64'],
    [['--concurrency', '0'], '--concurrency: "0" must be a whole number from 1 to 64'],
    [['--concurrency', 'auto', '--max-concurrency', '0'], '--max-concurrency: "0" must be a whole number from 1 to 64'],
    [['--concurrency', 'auto', '--max-concurrency', 'lots'], '--max-concurrency: "lots" must be a whole number from 1 to 64'],
    [['--concurrency', '8', '--max-concurrency', '16'], '--max-concurrency goes with --concurrency auto, the default (a number is a fixed level)'],
    [['--concurrency', '1', '--max-concurrency', '16'], '--max-concurrency goes with --concurrency auto, the default (a number is a fixed level)'],
  ])('refuses %j: one line, exit 2, nothing sent', async (flags, message) => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const r = await h.nsx(['recover', 'erp-orders', ...flags, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toBe(`error: ${message}`);
    expect(r.requests).toEqual([]);
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(100);
  });

  it('sandbox start refuses a bad --rate-limit with one line, exit 2', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const r = await h.nsx(['sandbox', 'start', '--no-state', '--port', '0', '--rate-limit', 'retry=50/s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --rate-limit: "retry=50\/s": unknown route retry \(one of .*retryRejectedEvent.*\)$/m);
  });
});
