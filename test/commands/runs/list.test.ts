// nsx runs list: the journals in the state dir, newest first, in every output mode, with their status
// (a live run shown as running with its pid), read without a single request.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { holdReceiver, journalLines, waitUntil, type HeldReceiver } from '../recover/recover-sandbox.js';
import { demoSandbox, RUN_ID, writeJournal, writeLock } from './runs-sandbox.js';
import { readdirSync, existsSync } from 'node:fs';

let h: InProcessSandboxHarness | undefined;
let held: HeldReceiver | undefined;
afterEach(async () => {
  await held?.close();
  held = undefined;
  await h?.close();
  h = undefined;
});

const TTY = { tty: { stdin: true, stdout: true, stderr: true, columns: 200 }, env: { NO_COLOR: '1' } };

function journals(h: InProcessSandboxHarness): string[] {
  const dir = join(h.env.NSX_STATE_DIR!, 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n)) : [];
}

describe('nsx runs list', () => {
  it('lists a recover that stopped on an error as failed and resumable, in table, tsv, json and ndjson; sends nothing', async () => {
    h = await demoSandbox('reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--concurrency', '1', '--yes', '--watch', '0']);
    expect(stop.code, stop.stderr).toBe(6);
    const runId = RUN_ID.exec(stop.stderr)![0];

    const json = await h.nsx(['runs', 'list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.requests).toEqual([]);
    const rows = JSON.parse(json.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      run_id: runId,
      status: 'failed',
      outcome: 'stopped_on_error',
      pid: null,
      tenant: 'sandbox',
      integration: 'erp-orders',
      source: 'recover',
      resumable: true,
      exit_code: 6,
      events: 100,
      results: { still_rejected: 1 },
    });
    expect(rows[0].results.delivered).toBeGreaterThan(0);
    expect(rows[0].duration_ms).toBeGreaterThanOrEqual(0);

    const tsv = await h.nsx(['runs', 'list']);
    expect(tsv.code).toBe(0);
    expect(tsv.stdout.trim().split('\n')).toHaveLength(1);
    expect(tsv.stdout.split('\t').slice(0, 5)).toEqual([runId, 'failed', 'sandbox', 'erp-orders', 'recover']);

    const table = await h.nsx(['runs', 'list'], TTY);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^RUN\s+STATUS\s+TENANT\s+INTEGRATION\s+SOURCE\s+STARTED\s+DURATION\s+EVENTS\s+RESULTS/);
    expect(table.stdout).toContain(runId);
    expect(table.stdout).toMatch(/\d+ delivered, 1 still rejected/);

    const nd = await h.nsx(['runs', 'list', '--output', 'ndjson']);
    expect(nd.stdout.trim().split('\n').map((l) => JSON.parse(l).run_id)).toEqual([runId]);

    // Filters: status and integration.
    const failed = await h.nsx(['runs', 'list', '--status', 'failed', '--integration', 'erp-orders', '--json']);
    expect(JSON.parse(failed.stdout)).toHaveLength(1);
    const finished = await h.nsx(['runs', 'list', '--status', 'finished'], TTY);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toBe('');
    expect(finished.stderr).toContain('no runs with status finished in the state dir');
    const other = await h.nsx(['runs', 'list', '--integration', 'other-one', '--json']);
    expect(JSON.parse(other.stdout)).toEqual([]);
  });

  it('a journal with no end line: interrupted when no live process holds its lock, running (with the pid) when one does', async () => {
    h = await demoSandbox();
    const state = h.env.NSX_STATE_DIR!;
    writeJournal(state, { runId: '20261120T081502Z-aaaa', events: [['e1', 'delivered']] });
    writeJournal(state, { runId: '20261121T081502Z-bbbb', integration: 'pos-sync', events: [['e2', 'delivered'], ['e3', 'rejected']] });
    writeJournal(state, { runId: '20261119T081502Z-cccc', events: [['e4', 'delivered']], end: { outcome: 'completed', resumable: false, exit_code: 0 } });
    // pos-sync's lock is held by this (live) process for its run; erp-orders' by a dead pid (a crash).
    writeLock(state, { integration: 'pos-sync', runId: '20261121T081502Z-bbbb', pid: process.pid });
    writeLock(state, { runId: '20261120T081502Z-aaaa', pid: 2 ** 22 + 12345 });

    const r = await h.nsx(['runs', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests).toEqual([]);
    const rows = JSON.parse(r.stdout) as Array<{ run_id: string; status: string; pid: number | null; resumable: boolean }>;
    expect(rows.map((x) => [x.run_id, x.status, x.pid, x.resumable])).toEqual([
      ['20261121T081502Z-bbbb', 'running', process.pid, false],
      ['20261120T081502Z-aaaa', 'interrupted', null, true],
      ['20261119T081502Z-cccc', 'finished', null, false],
    ]);
    const table = await h.nsx(['runs', 'list', '--status', 'running'], TTY);
    expect(table.stdout).toContain(`running pid ${process.pid}`);
    expect(table.stdout).not.toContain('aaaa');
  });

  it('a recover in flight (its receiver held) is listed as running with this process\'s pid, then finished', async () => {
    h = await demoSandbox();
    held = await holdReceiver(h, 'erp-orders');
    const live = h.start(['recover', 'erp-orders', '--yes', '--no-start']);
    await waitUntil(() => journals(h!).some((p) => journalLines(p).some((l) => l.type === 'send')) && held!.waiting >= 1, 'the recover to be sending');
    const during = await h.nsx(['runs', 'list', '--json']);
    const [row] = JSON.parse(during.stdout);
    expect(row).toMatchObject({ status: 'running', pid: process.pid, integration: 'erp-orders', ended_at: null, resumable: false });
    held.release();
    expect((await live.result).code).toBe(0);
    const after = await h.nsx(['runs', 'list', '--json']);
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ run_id: row.run_id, status: 'finished', outcome: 'not_started', pid: null });
  });

  it('bad input is one line and exit 2, before anything is read or sent', async () => {
    h = await demoSandbox();
    for (const args of [
      ['runs', 'list', '--status', 'done'],
      ['runs', 'list', '--integration', 'not an id'],
    ]) {
      const r = await h.nsx(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.requests).toEqual([]);
    }
    const empty = await h.nsx(['runs', 'list'], TTY);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('no runs in the state dir yet');
  });
});
