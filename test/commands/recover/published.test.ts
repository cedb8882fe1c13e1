// nsx recover, after the watch: what NewStore published for the integration since the start (the sandbox's
// published events), in the JSON report, the Markdown report and one stderr line; --max-failure-rate.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { journalLines, printedCommand, setReceiverRule, statusOf } from './recover-sandbox.js';

const harnesses: InProcessSandboxHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

/**
 * The demo sandbox: erp-orders stopped at its limit with a backlog of order.created published since. At
 * time scale 1 a failing delivery waits ~2.3 s before its first retry, so a short watch sees failures but
 * no stop (the sandbox stops an integration only after 10 failed attempts over ~20 minutes).
 */
async function demo(rule: string, timeScale?: number): Promise<InProcessSandboxHarness> {
  const h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, ...(timeScale !== undefined ? { timeScale } : {}) });
  harnesses.push(h);
  await setReceiverRule(h, rule);
  return h;
}

/** The sandbox's own record of erp-orders' attempts since `since`. */
function attemptsSince(h: InProcessSandboxHarness, since: string): { success: number; failure: number } {
  const mine = h.sandbox.state.published.filter((p) => p.integration_id === 'erp-orders' && p.at >= Date.parse(since));
  return { success: mine.filter((p) => p.status === 'success').length, failure: mine.filter((p) => p.status === 'failure').length };
}

describe('nsx recover: what NewStore published since the start', () => {
  it('a receiver that accepts everything: N succeeded, 0 failed, in the JSON report, the Markdown report and on stderr', async () => {
    const h = await demo('accept-all');
    const dir = mkdtempSync(join(tmpdir(), 'nsx-published-'));
    const md = join(dir, 'incident.md');
    const before = Date.now();
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '2s', '--json', '--report', md]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const p = report.published;
    expect(Object.keys(p).sort()).toEqual(['attempts', 'failed', 'failure_rate', 'since', 'succeeded']);
    // The backlog published since the stop was delivered after the start: the sandbox recorded those attempts.
    const seen = attemptsSince(h, p.since);
    expect(seen.success).toBeGreaterThan(0);
    expect(p).toEqual({ attempts: seen.success, succeeded: seen.success, failed: 0, failure_rate: 0, since: p.since });
    expect(Date.parse(p.since)).toBeGreaterThanOrEqual(before);
    // The 100 retries came before the start: they are not counted.
    expect(h.sandbox.state.published.filter((x) => x.integration_id === 'erp-orders').length).toBeGreaterThanOrEqual(100 + seen.success);
    expect(r.stderr).toContain(`NewStore published since the start: ${seen.success} attempts: ${seen.success} succeeded, 0 failed (0.0% failed)`);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## What NewStore published since the start');
    expect(text).toContain(`| ${seen.success} | ${seen.success} | 0 | 0.0% |`);
    expect(text).toContain(`from ${p.since} to the end of the watch`);
    // The journal's verify phase carries the figures too.
    expect(journalLines(report.journal).find((l) => l.type === 'phase' && l.phase === 'verify')).toMatchObject({ detail: { published: p } });
  });

  it('deliveries failing after the start: reported, exit 0 without --max-failure-rate (as before), exit 6 with --max-failure-rate 0; the hints run', async () => {
    // order.created still fails (503): its rejected events are dropped, and the backlog (all order.created)
    // fails once the integration runs, without becoming rejected events (a 503 is retried, not rejected).
    const plain = await demo('fail-events:order.created', 1);
    const ok = await plain.nsx(['recover', 'erp-orders', '--drop', 'event=order.created', '--yes', '--watch', '1s', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const figures = JSON.parse(ok.stdout).published;
    expect(figures.failed).toBeGreaterThan(0);
    expect(figures).toMatchObject({ succeeded: 0, failure_rate: 1, attempts: figures.failed });
    expect(ok.stderr).toContain(`! NewStore published since the start: ${figures.attempts} attempt${figures.attempts === 1 ? '' : 's'}: 0 succeeded, ${figures.failed} failed (100.0% failed)`);

    const h = await demo('fail-events:order.created', 1);
    const dir = mkdtempSync(join(tmpdir(), 'nsx-published-'));
    const md = join(dir, 'incident.md');
    const r = await h.nsx(['recover', 'erp-orders', '--drop', 'event=order.created', '--yes', '--watch', '1s', '--max-failure-rate', '0', '--json', '--report', md]);
    expect(r.code, r.stderr).toBe(6);
    const report = JSON.parse(r.stdout);
    const p = report.published;
    expect(p.failed).toBeGreaterThan(0);
    expect(p.failed).toBeLessThanOrEqual(attemptsSince(h, p.since).failure);
    expect(report).toMatchObject({ started: true, status_after: 'running', results: { failed: 0, remaining: 0 } });
    expect(statusOf(h, 'erp-orders')).toBe('running'); // not stopped: only the published events tell
    const reason = `${p.failed} of ${p.attempts} delivery attempt(s) NewStore made for erp-orders since the start failed (100%, over --max-failure-rate 0%)`;
    expect(r.stderr).toContain(reason);
    expect(journalLines(report.journal).at(-1)).toMatchObject({ type: 'end', outcome: 'verify_failed', exit_code: 6, message: reason });
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## What NewStore published since the start');
    expect(text).toContain(`| ${p.attempts} | 0 | ${p.failed} | 100.0% |`);
    expect(text).toContain('- Exit code: 6');

    // The hint's commands run as printed: the failed attempts, and the log.
    const error = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{"error"'))!).error as { message: string; hint: string };
    expect(error.message).toBe(reason);
    const events = await h.nsx([...printedCommand(error.hint, 'see the failed attempts:'), '--json']);
    expect(events.code, events.stderr).toBe(0);
    const failed = JSON.parse(events.stdout) as Array<{ integration?: string; integration_id?: string; status: string }>;
    expect(failed.length).toBeGreaterThanOrEqual(p.failed);
    expect(failed.every((a) => /failure/i.test(a.status))).toBe(true);
    const logs = await h.nsx(printedCommand(error.hint, 'and the log:'));
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('order.created');
  });

  it('--max-failure-rate 5% with no failed attempt since the start: exit 0', async () => {
    const h = await demo('accept-all');
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '1s', '--max-failure-rate', '5%', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).published).toMatchObject({ failed: 0 });
  });

  it('--watch 0: the published events are not read (published: null)', async () => {
    const h = await demo('accept-all');
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).published).toBeNull();
    expect(r.stderr).not.toContain('NewStore published since the start');
    expect(r.requests.length).toBeGreaterThan(100);
    expect(r.requests.filter((q) => q.path.includes('published-events'))).toEqual([]);
  });

  it('the read fails: one line on stderr, the figures null with the error, and the run is not failed because of it', async () => {
    const h = await demo('accept-all');
    await h.admin('PUT', '/_sandbox/faults', { routes: { listPublishedEvents: { errorRate: 1 } } });
    const dir = mkdtempSync(join(tmpdir(), 'nsx-published-'));
    const md = join(dir, 'incident.md');
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '1s', '--max-failure-rate', '0', '--json', '--report', md]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.some((q) => q.path.includes('published-events'))).toBe(true);
    const p = JSON.parse(r.stdout).published;
    expect(p).toMatchObject({ attempts: null, succeeded: null, failed: null, failure_rate: null, since: expect.any(String), error: expect.any(String) });
    const lines = r.stderr.split('\n').filter((l) => l.includes('could not read what NewStore published'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not read what NewStore published for erp-orders since the start (');
    expect(lines[0]).toContain('the run is judged without it');
    expect(readFileSync(md, 'utf8')).toContain('could not be read');
    expect(statusOf(h, 'erp-orders')).toBe('running');
  });
});
