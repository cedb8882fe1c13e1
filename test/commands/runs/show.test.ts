// nsx runs show: one run whole (plan, rules, per-event outcomes, duration, who and where, the resume
// command), in every output mode, from the state dir only.
import { hostname, userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { demoSandbox, RUN_ID, writeJournal, writeLock } from './runs-sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TTY = { tty: { stdin: true, stdout: true, stderr: true, columns: 200 }, env: { NO_COLOR: '1' } };

describe('nsx runs show', () => {
  it('a recover with a --drop rule that stopped on an error: plan, rules, outcomes, who, duration and the resume command', async () => {
    h = await demoSandbox('reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--drop', 'event=order.cancelled', '--concurrency', '1', '--yes', '--watch', '0']);
    expect(stop.code, stop.stderr).toBe(6);
    const runId = RUN_ID.exec(stop.stderr)![0];

    const human = await h.nsx(['runs', 'show', runId], TTY);
    expect(human.code, human.stderr).toBe(0);
    expect(human.requests).toEqual([]);
    const out = human.stdout;
    expect(out).toContain(`run          ${runId}  failed (stopped_on_error)`);
    expect(out).toContain('integration  erp-orders (tenant sandbox)');
    expect(out).toContain(`who          ${userInfo().username}@${hostname()}`);
    expect(out).toContain('rules        --drop event=order.cancelled');
    expect(out).toMatch(/plan         100 events: \d+ retry, \d+ delete, 0 skip/);
    expect(out).toMatch(/results      \d+ delivered, .*1 still rejected/);
    expect(out).toContain('outcome      stopped_on_error, exit 6');
    expect(out).toContain('By event type:');
    expect(out).toMatch(/order\.items_cancelled \S+ {2}retry -> rejected {2}HTTP 400: /);
    expect(out).toContain(`resume: nsx runs resume ${runId}`);

    const json = await h.nsx(['runs', 'show', runId, '--json']);
    const d = JSON.parse(json.stdout);
    expect(d).toMatchObject({
      run_id: runId,
      status: 'failed',
      resumable: true,
      resume_command: `nsx runs resume ${runId}`,
      plan: { total: 100, rules: { drop: ['event=order.cancelled'], skip: [], only: [] } },
      options: { concurrency: 1, on_error: 'stop', source: 'recover' },
    });
    expect(d.event_outcomes.find((e: { outcome: string }) => e.outcome === 'rejected')).toMatchObject({ event_name: 'order.items_cancelled', action: 'retry', receiver_status: 400 });
    expect(d.phases.map((p: { phase: string }) => p.phase)).toContain('apply');
    const nd = await h.nsx(['runs', 'show', runId, '--output', 'ndjson']);
    expect(JSON.parse(nd.stdout.trim())).toMatchObject({ run_id: runId });
    const tsv = await h.nsx(['runs', 'show', runId]);
    expect(tsv.stdout).toContain(`resume: nsx runs resume ${runId}`);

    // With a profile, the printed command names it.
    const withProfile = await h.nsx(['--profile', 'nope', 'runs', 'show', runId], TTY);
    expect(withProfile.stdout).toContain(`resume: nsx --profile nope runs resume ${runId}`);
  });

  it('a live run: running with its pid and no resume command; a cut-off one: interrupted, with its events in flight', async () => {
    h = await demoSandbox();
    const state = h.env.NSX_STATE_DIR!;
    writeJournal(state, { runId: '20261121T081502Z-bbbb', events: [['e2', 'delivered']] });
    writeLock(state, { runId: '20261121T081502Z-bbbb', pid: process.pid });
    const live = await h.nsx(['runs', 'show', '20261121T081502Z-bbbb'], TTY);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toContain(`running (pid ${process.pid} on ${hostname()})`);
    expect(live.stdout).toContain('(still running)');
    expect(live.stdout).not.toContain('resume:');

    writeJournal(state, { runId: '20261120T081502Z-aaaa', integration: 'pos-sync', events: [['e1', 'delivered'], ['e9', 'interrupted']] });
    const cut = await h.nsx(['runs', 'show', '20261120T081502Z-aaaa', '--json']);
    expect(JSON.parse(cut.stdout)).toMatchObject({ status: 'interrupted', ended_at: null, resumable: true, resume_command: 'nsx runs resume 20261120T081502Z-aaaa', results: { delivered: 1 } });
  });

  it('not a run id: exit 2; an unknown run: exit 5; one line each, nothing sent', async () => {
    h = await demoSandbox();
    const bad = await h.nsx(['runs', 'show', '../../etc/passwd']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toBe('error: "../../etc/passwd" is not a run id (like 20261120T081502Z-3f9a; nsx runs list shows them)');
    const missing = await h.nsx(['runs', 'show', '20261120T081502Z-ffff']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('error: no run 20261120T081502Z-ffff in ');
    expect([...bad.requests, ...missing.requests]).toEqual([]);
  });
});
