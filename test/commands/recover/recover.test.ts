// nsx recover, run in-process against the sandbox with its demo receiver.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { printedCommand, runPrintedInProcess } from '../../helpers/printed.js';
import { expectedOrder, journalLines, receiverLog, rejectedOnServer, setReceiverRule, statusOf } from './recover-sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function demo(rule = 'accept-all'): Promise<InProcessSandboxHarness> {
  h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  await setReceiverRule(h, rule);
  return h;
}

describe('nsx recover (demo sandbox)', () => {
  it('stopped at the limit -> receiver fixed -> recover --yes: every event delivered in order, running, exit 0, JSON report', async () => {
    const h = await demo('reject-unknown-products');
    const before = rejectedOnServer(h, 'erp-orders');
    expect(before).toHaveLength(100);
    expect(statusOf(h, 'erp-orders')).toBe('stopped');
    await setReceiverRule(h, 'accept-all'); // the fix is deployed

    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '1s', '--output', 'json']);
    expect(r.stderr).toContain('erp-orders stopped at the rejected-events limit; 100 rejected events are waiting.');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(['dry_run', 'duration_ms', 'integration', 'journal', 'plan', 'published', 'results', 'run_id', 'started', 'status_after', 'tenant'].sort());
    expect(report).toMatchObject({
      tenant: 'sandbox',
      integration: 'erp-orders',
      dry_run: false,
      plan: { total: 100, retry: 100, drop: 0, skip: 0 },
      results: { delivered: 100, deleted: 0, failed: 0, skipped: 0, remaining: 0 },
      started: true,
      status_after: 'running',
    });
    expect(report.run_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    const byEvent = report.plan.by_event as Record<string, { total: number }>;
    for (const name of new Set(before.map((e) => e.event.name))) {
      expect(byEvent[name]!.total).toBe(before.filter((e) => e.event.name === name).length);
    }

    // The receiver's log: each event arrived once. The demo's 100 events are of 100 entities, which
    // --concurrency auto (the default) may interleave; adaptive.test.ts checks the order within an entity.
    const planIds = new Set(before.map((e) => e.id));
    const delivered = (await receiverLog(h)).filter((d) => d.event_id && planIds.has(d.event_id)).map((d) => d.event_id!);
    expect([...delivered].sort()).toEqual(expectedOrder(before).sort());
    expect(r.stderr).toContain('100 events of 100 entities');
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    expect(statusOf(h, 'erp-orders')).toBe('running');

    // The journal: owner-only, a header, one outcome per event with who/where/what, and a completed end.
    expect(statSync(report.journal).mode & 0o777).toBe(0o600);
    const lines = journalLines(report.journal);
    expect(lines[0]).toMatchObject({ type: 'run', run_id: report.run_id, tenant: 'sandbox', integration: 'erp-orders', plan_summary: { total: 100 } });
    const outcomes = lines.filter((l) => l.type === 'event');
    expect(outcomes).toHaveLength(100);
    expect(outcomes[0]).toMatchObject({ user: expect.stringContaining('@'), tenant: 'sandbox', integration: 'erp-orders', action: 'retry', outcome: 'delivered', event_name: expect.any(String), duration_ms: expect.any(Number) });
    expect(lines.at(-1)).toMatchObject({ type: 'end', outcome: 'completed', resumable: false, exit_code: 0 });
  });

  it('--on-error stop --concurrency 1: stops at the first event the receiver still rejects, touches nothing after it, exit 6; --drop of that type completes', async () => {
    const h = await demo('reject-events:order.items_cancelled');
    const before = rejectedOnServer(h, 'erp-orders');
    const order = expectedOrder(before);
    const firstCancel = order.find((id) => before.find((e) => e.id === id)!.event.name === 'order.items_cancelled')!;

    const stop = await h.nsx(['recover', 'erp-orders', '--concurrency', '1', '--yes', '--watch', '0']);
    expect(stop.code).toBe(6);
    expect(stop.stderr).toContain(`order.items_cancelled ${firstCancel}`);
    expect(stop.stderr).toContain('the receiver answered 400: rejected: events order.items_cancelled are rejected by rule');
    expect(stop.stderr).toMatch(/resume: nsx recover erp-orders --resume \d{8}T\d{6}Z-[0-9a-f]{4} --watch 0 --yes/);
    expect(stop.stderr).toContain('nsx recover erp-orders --drop event=order.items_cancelled --concurrency 1 --watch 0 --yes');
    const touched = (await receiverLog(h)).map((d) => d.event_id);
    expect(touched).toEqual(order.slice(0, order.indexOf(firstCancel) + 1));
    expect(statusOf(h, 'erp-orders')).toBe('stopped');

    // The printed way on, run as printed (with --json to read its report).
    const printed = printedCommand(stop.stderr, 'or delete events of this type instead: ');
    expect(printed).toBe('nsx recover erp-orders --drop event=order.items_cancelled --concurrency 1 --watch 0 --yes');
    const drop = await runPrintedInProcess(`${printed} --json`, h.env);
    expect(drop.code).toBe(0);
    const report = JSON.parse(drop.stdout);
    const cancels = before.filter((e) => e.event.name === 'order.items_cancelled').length;
    expect(report.results).toEqual({ delivered: 100 - cancels - order.indexOf(firstCancel), deleted: cancels, gone: 0, failed: 0, skipped: 0, remaining: 0 });
    expect(drop.stderr).toContain('this new plan replaces it');
    // No cancellation was delivered again; every other event was delivered once, in order.
    const log = (await receiverLog(h)).filter((d) => d.event_id && before.some((e) => e.id === d.event_id));
    expect(log.filter((d) => d.name === 'order.items_cancelled').map((d) => d.event_id)).toEqual([firstCancel]);
    expect(log.filter((d) => d.name !== 'order.items_cancelled').map((d) => d.event_id)).toEqual(order.filter((id) => before.find((e) => e.id === id)!.event.name !== 'order.items_cancelled'));
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    expect(statusOf(h, 'erp-orders')).toBe('running');
  });

  it('after a stop, a plain re-run (receiver fixed) resumes the same run and finishes it', async () => {
    const h = await demo('reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start']);
    expect(stop.code).toBe(6);
    const runId = /--resume (\S+)/.exec(stop.stderr)![1];
    await setReceiverRule(h, 'accept-all');
    const again = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0', '--json']);
    expect(again.stderr).toContain(`Resuming run ${runId}`);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.run_id).toBe(runId);
    expect(report.results).toMatchObject({ delivered: 100, failed: 0, remaining: 0 });
    const lines = journalLines(report.journal);
    expect(lines.filter((l) => l.type === 'end').map((l) => l.outcome)).toEqual(['stopped_on_error', 'completed']);
  });

  it('--dry-run prints the plan and changes nothing (no journal); --plan-out saves it', async () => {
    const h = await demo();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-plan-'));
    const planFile = join(dir, 'plan.json');
    const r = await h.nsx(['recover', 'erp-orders', '--dry-run', '--drop', 'event=order.items_cancelled', '--plan-out', planFile, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ dry_run: true, run_id: null, journal: null, started: false, status_after: 'stopped', results: { delivered: 0, remaining: 100 } });
    expect(report.plan.drop).toBeGreaterThan(0);
    expect(r.stderr).toContain('Plan for erp-orders:');
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(100);
    expect(await receiverLog(h)).toEqual([]);
    expect(existsSync(join(h.env.NSX_STATE_DIR!, 'runs'))).toBe(false);
    expect(statSync(planFile).mode & 0o777).toBe(0o600); // it names customer events
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(plan).toMatchObject({ format: 'nsx.recover-plan', version: 1, tenant: 'sandbox', integration: 'erp-orders', rules: { drop: ['event=order.items_cancelled'] } });
    expect(plan.events.map((e: { id: string }) => e.id)).toEqual(expectedOrder(rejectedOnServer(h, 'erp-orders')));

    // Applying exactly that plan works while the server still matches it.
    const apply = await h.nsx(['recover', 'erp-orders', '--plan-in', planFile, '--yes', '--watch', '0', '--json']);
    expect(apply.code).toBe(0);
    expect(JSON.parse(apply.stdout).results).toMatchObject({ deleted: report.plan.drop, delivered: report.plan.retry, remaining: 0 });
  });

  it('the review-then-apply example of recover --help runs as written without a terminal', async () => {
    const h = await demo();
    const help = await h.nsx(['recover', '--help']);
    const example = help.stdout.split('\n').find((l) => /^\s*\$ nsx .*--plan-out/.test(l))!.replace(/^\s*\$\s*/, '');
    const dir = mkdtempSync(join(tmpdir(), 'nsx-plan-'));
    for (const command of example.split(' && ')) {
      const args = command.trim().split(/\s+/).slice(1).map((a) => (a === 'plan.json' ? join(dir, 'plan.json') : a));
      const r = await h.nsx([...args, '--watch', '0']);
      expect(r.code, `${command}\n${r.stderr}`).toBe(0);
    }
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(0);
  });

  it('--plan-in refuses (exit 7) when the server holds rejected events the plan does not mention, and lists them', async () => {
    const h = await demo();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-plan-'));
    const planFile = join(dir, 'plan.json');
    expect((await h.nsx(['recover', 'erp-orders', '--dry-run', '--plan-out', planFile])).code).toBe(0);
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-orders', rejected: 2 }); // two new rejections
    const r = await h.nsx(['recover', 'erp-orders', '--plan-in', planFile, '--yes']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`the server holds 2 rejected event(s) of erp-orders that ${planFile} does not mention; nothing was changed`);
    expect(r.stderr).toContain('seed-erp-orders-101');
    expect(r.stderr).toContain('seed-erp-orders-102');
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(102);
    expect(await receiverLog(h)).toEqual([]);
  });

  it('watch: new rejections after the start end the run with exit 6 and the reason', async () => {
    // The receiver still rejects order.created: those are dropped here, and the backlog published since the
    // stop (new order.created events) is rejected again once the integration runs.
    const h = await demo('reject-events:order.created');
    const r = await h.nsx(['recover', 'erp-orders', '--drop', 'event=order.created', '--yes', '--watch', '20s', '--json']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/"message":"\d+ new rejected event\(s\) appeared while watching erp-orders"/);
    expect(r.stderr).toContain('new rejections:\n  order.created');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ started: true, results: { failed: 0 } });
    expect(report.results.remaining).toBeGreaterThan(0);
    expect(journalLines(report.journal).at(-1)).toMatchObject({ type: 'end', outcome: 'verify_failed', exit_code: 6 });
  });

  it('a running integration with no rejected events: says so, exit 0', async () => {
    const h = await demo();
    const r = await h.nsx(['recover', 'wms-fulfillment', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wms-fulfillment is running and holds no rejected events: nothing to recover.');
    expect(JSON.parse(r.stdout)).toMatchObject({ run_id: null, plan: { total: 0 }, results: { remaining: 0 }, started: false, status_after: 'running' });
  });

  it('a finished replay with no rejected events: nothing to do, and it is not started again', async () => {
    const h = await demo();
    const r = await h.nsx(['recover', 'replay-2026-11-20', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('replay-2026-11-20 is a temporary replay that finished its window and stopped by itself');
    expect(JSON.parse(r.stdout)).toMatchObject({ started: false, status_after: 'stopped' });
    expect(statusOf(h, 'replay-2026-11-20')).toBe('stopped');
  });

  it('without a terminal and without --yes: exit 3, nothing changed', async () => {
    const h = await demo();
    const r = await h.nsx(['recover', 'erp-orders']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('pass --yes');
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(100);
  });

  it('an unknown integration: exit 5 with a hint', async () => {
    const h = await demo();
    const r = await h.nsx(['recover', 'nope', '--yes']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('integration "nope" does not exist in tenant sandbox');
  });

  it('rejected events remain (--skip) -> not started, exit 7; --allow-remaining starts anyway', async () => {
    const h = await demo();
    const skip = await h.nsx(['recover', 'erp-orders', '--skip', 'event=order.opened', '--yes', '--json']);
    expect(skip.code).toBe(7);
    const opened = rejectedOnServer(h, 'erp-orders');
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((e) => e.event.name === 'order.opened')).toBe(true);
    expect(JSON.parse(skip.stdout)).toMatchObject({ started: false, status_after: 'stopped', results: { skipped: opened.length, remaining: opened.length } });
    expect(skip.stderr).toContain(`start anyway with --allow-remaining ${opened.length}`);
    expect(statusOf(h, 'erp-orders')).toBe('stopped');

    const allow = await h.nsx(['recover', 'erp-orders', '--skip', 'event=order.opened', '--allow-remaining', String(opened.length), '--yes', '--watch', '0']);
    expect(allow.code).toBe(0);
    expect(statusOf(h, 'erp-orders')).toBe('running');
  });

  it('--progress ndjson: one JSON line per event on stderr; --report writes a Markdown incident report', async () => {
    const h = await demo();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-report-'));
    const md = join(dir, 'incident.md');
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0', '--progress', 'ndjson', '--rate', '500/s', '--report', md]);
    expect(r.code).toBe(0);
    const events = r.stderr.split('\n').filter((l) => l.startsWith('{"type":"event"')).map((l) => JSON.parse(l));
    expect(events).toHaveLength(100);
    expect(events.at(-1)).toMatchObject({ outcome: 'delivered', done: 100, total: 100, action: 'retry' });
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('# Recovery of erp-orders (tenant sandbox)');
    expect(text).toContain('## Why it stopped');
    expect(text).toContain('rejected-events limit');
    expect(text).toMatch(/\| order\.created \| \d+ \| 0 \| 0 \| \d+ \| 0 \| 0 \| 0 \| 0 \|/);
    expect(text).toContain('Delivered 100, deleted 0, gone 0 (no longer rejected before nsx touched them), failed 0, skipped 0; 0 rejected events remain.');
    expect(text).toMatch(/journal `.*\.jsonl`/);
    // the human summary is the data on stdout in table/tsv mode
    expect(r.stdout).toContain('erp-orders: 100 delivered, 0 deleted, 0 gone, 0 failed, 0 skipped; no rejected events remain.');
  });

  it('bad input: one line, exit 2, before any request', async () => {
    const h = await demo();
    const cases: [string[], RegExp][] = [
      [['--concurrency', '0'], /--concurrency: "0" must be a whole number from 1 to 64/],
      [['--rate', 'fast'], /--rate: "fast" is not a rate/],
      [['--drop', 'evnt=x'], /--drop: "evnt=x" is not KEY=VALUE/],
      [['--watch', 'soon'], /--watch: "soon" is not a duration/],
      [['--plan-in', '/nonexistent/plan.json'], /--plan-in: cannot read/],
      [['--plan-in', '/dev/null', '--drop', 'event=x'], /cannot change it/],
      [['--resume', 'latest'], /--resume: "latest" is not a run id/],
      [['--on-error', 'ignore'], /argument 'ignore' is invalid/],
      [['--report', '/nonexistent/dir/r.md'], /--report: the folder of/],
      [['--max-failure-rate', 'lots'], /^error: --max-failure-rate: "lots" is not a rate from 0 to 1 \(examples: 0\.05, 5%\)$/m],
      [['--max-failure-rate', '150%'], /--max-failure-rate: "150%" is not a rate from 0 to 1/],
      [['--max-failure-rate', '1%', '--watch', '0'], /--max-failure-rate judges what NewStore published while watched: it needs a watch \(not --watch 0\)/],
    ];
    for (const [args, message] of cases) {
      const r = await h.nsx(['recover', 'erp-orders', ...args, '--yes'], { env: { NSX_BASE_URL: 'http://127.0.0.1:9' } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    writeFileSync(join(h.env.HOME!, 'other.json'), JSON.stringify({ format: 'nsx.recover-plan', version: 1, tenant: 'sandbox', integration: 'wms-fulfillment', created_at: 'x', rules: { drop: [], skip: [], only: [] }, events: [] }));
    const wrong = await h.nsx(['recover', 'erp-orders', '--plan-in', join(h.env.HOME!, 'other.json'), '--yes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is a plan for wms-fulfillment, not erp-orders');
  });
});
