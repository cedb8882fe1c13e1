// The run journal (append, torn lines, resumable runs) and the per-integration lock file.
import { appendFileSync, chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import {
  findResumableRun,
  findRun,
  JournalWriter,
  listRuns,
  newRunId,
  readJournal,
  readRunPlan,
  RUN_ID_PATTERN,
  type EventRecord,
} from '../../../src/workflows/recover/journal.js';
import { acquireLock, currentCommandLine, liveLockHolder, lockPath } from '../../../src/workflows/recover/lock.js';
import type { PlanEvent, RecoverPlan } from '../../../src/workflows/recover/plan.js';
import { outcomesByEventName, resumeState, tallyResults } from '../../../src/workflows/recover/session.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'nsx-journal-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pe = (id: string, action: PlanEvent['action'] = 'retry', name = 'order.created'): PlanEvent => ({ id, name, entity: `o-${id}`, rejected_at: '2026-11-20T08:00:00Z', published_at: null, action });
const plan = (events: PlanEvent[]): RecoverPlan => ({ format: 'nsx.recover-plan', version: 1, tenant: 'acme', integration: 'erp-orders', created_at: '2026-11-20T09:00:00Z', rules: { drop: [], skip: [], only: [] }, events });
const outcome = (id: string, o: EventRecord['outcome'], action: PlanEvent['action'] = 'retry'): EventRecord => ({
  type: 'event', at: 'x', user: 'u@h', tenant: 'acme', integration: 'erp-orders', event_id: id, event_name: 'order.created', entity: `o-${id}`, action, outcome: o, receiver_status: null, duration_ms: 1,
});

function startRun(runId: string, events: PlanEvent[], integration = 'erp-orders'): JournalWriter {
  return JournalWriter.create(
    dir,
    { run_id: runId, tenant: 'acme', integration, started_at: '2026-11-20T09:00:00Z', user: 'ops', host: 'h', pid: 1, plan_summary: { total: events.length, retry: events.length, drop: 0, skip: 0, by_event: {} }, options: { concurrency: 1, on_error: 'stop', rate_per_second: null, source: 'recover' } },
    { ...plan(events), integration },
  );
}

describe('journal', () => {
  it('run ids sort by time and match their pattern', () => {
    const a = newRunId(new Date('2026-11-20T08:15:02.123Z'));
    expect(a).toMatch(/^20261120T081502Z-[0-9a-f]{4}$/);
    expect(a).toMatch(RUN_ID_PATTERN);
  });

  it('is owner-only, keeps the plan beside it, and survives a torn last line (a kill mid-write)', () => {
    const w = startRun('20261120T090000Z-0001', [pe('1'), pe('2')]);
    w.append({ type: 'send', at: 'x', event_id: '1', action: 'retry' });
    w.append(outcome('1', 'delivered'));
    w.append({ type: 'send', at: 'x', event_id: '2', action: 'retry' });
    appendFileSync(w.path, '{"type":"event","event_id":"2","outco');
    expect(statSync(w.path).mode & 0o777).toBe(0o600);
    const contents = readJournal(w.path);
    expect([...contents.outcomes.keys()]).toEqual(['1']);
    expect(contents.inFlight).toEqual(['2']);
    expect(contents.end).toBeUndefined();
    expect(readRunPlan(contents.header).events.map((e) => e.id)).toEqual(['1', '2']);
  });

  it('finds the newest resumable run of this tenant and integration: crashed, interrupted or stopped on an error', () => {
    startRun('20261120T090000Z-0001', [pe('1')]).close({ outcome: 'completed', resumable: false, exit_code: 0 });
    expect(findResumableRun(dir, 'acme', 'erp-orders')).toBeUndefined();
    startRun('20261120T100000Z-0002', [pe('1')]); // crashed: no end line
    startRun('20261120T110000Z-0003', [pe('1')], 'wms-fulfillment').close({ outcome: 'interrupted', resumable: true, exit_code: 130 });
    expect(findResumableRun(dir, 'acme', 'erp-orders')?.header.run_id).toBe('20261120T100000Z-0002');
    expect(findResumableRun(dir, 'acme', 'wms-fulfillment')?.header.run_id).toBe('20261120T110000Z-0003');
    expect(findResumableRun(dir, 'other-tenant', 'erp-orders')).toBeUndefined();
    // only the newest run counts: a finished run after a crashed one means there is nothing to resume
    startRun('20261120T120000Z-0004', [pe('1')]).close({ outcome: 'gate_refused', resumable: false, exit_code: 7 });
    expect(findResumableRun(dir, 'acme', 'erp-orders')).toBeUndefined();
    expect(listRuns(dir, 'acme', 'erp-orders').map((r) => r.header.run_id)).toEqual(['20261120T120000Z-0004', '20261120T100000Z-0002', '20261120T090000Z-0001']);
  });

  it('--resume: a bad id is a usage error, an unknown one is not found', () => {
    expect(() => findRun(dir, 'latest', 'acme', 'erp-orders')).toThrow(/not a run id/);
    try {
      findRun(dir, '20261120T090000Z-ffff', 'acme', 'erp-orders');
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(ExitCode.notFound);
    }
  });
});

describe('resumeState and tallyResults', () => {
  it('continues with events that have no final outcome and are still on the server', () => {
    const p = plan([pe('1'), pe('2'), pe('3'), pe('4'), pe('5', 'skip'), pe('6')]);
    const outcomes = new Map([
      ['1', outcome('1', 'delivered')],
      ['2', outcome('2', 'rejected')], // stopped on it: tried again
      ['3', outcome('3', 'interrupted')],
    ]);
    const server = ['2', '3', '5', '6', '99'].map((id) => ({ id, rejected_at: 'x', event: { name: 'order.created', payload: {} } }));
    const state = resumeState(p, outcomes, server);
    expect(state.todo.map((e) => e.id)).toEqual(['2', '3', '5', '6']);
    expect(state.goneMeanwhile.map((e) => e.id)).toEqual(['4']); // sent before a crash, never recorded
    expect(state.unmentioned.map((e) => e.id)).toEqual(['99']);
    expect(state.finished).toBe(1);
  });

  it('tallies the latest outcome of each event into the report fields', () => {
    const outcomes = new Map(
      [
        outcome('1', 'delivered'), outcome('2', 'delivered_gone'), outcome('3', 'gone'), outcome('4', 'gone', 'drop'), outcome('5', 'deleted'),
        outcome('6', 'rejected'), outcome('7', 'error'), outcome('8', 'skipped', 'skip'), outcome('9', 'held'), outcome('10', 'interrupted'),
      ].map((r) => [r.event_id, r]),
    );
    expect(tallyResults(outcomes, 4)).toEqual({ delivered: 2, deleted: 1, gone: 2, failed: 2, skipped: 2, remaining: 4 });
    const rows = outcomesByEventName(plan([pe('1'), pe('6'), pe('11', 'drop', 'order.items_cancelled')]), outcomes);
    expect(rows).toEqual([
      { name: 'order.created', planned: { retry: 2, drop: 0, skip: 0 }, delivered: 1, deleted: 0, gone: 0, failed: 1, skipped: 0, open: 0 },
      { name: 'order.items_cancelled', planned: { retry: 0, drop: 1, skip: 0 }, delivered: 0, deleted: 0, gone: 0, failed: 0, skipped: 0, open: 1 },
    ]);
  });
});

describe('lock', () => {
  const opts = (runId: string, extra: Partial<Parameters<typeof acquireLock>[0]> = {}) => ({ stateDir: dir, tenant: 'acme', integration: 'erp-orders', runId, ...extra });

  it('is created once, names its holder, and a second taker is refused with exit 7', () => {
    const lock = acquireLock(opts('run-1'));
    expect(lock.path).toBe(lockPath(dir, 'acme', 'erp-orders'));
    expect(lock.path.endsWith('locks/acme--erp-orders.lock')).toBe(true);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, run_id: 'run-1', user: expect.any(String), host: expect.any(String), started_at: expect.any(String) });
    try {
      acquireLock(opts('run-2'));
      expect.unreachable();
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(ExitCode.precondition);
      expect((error as Error).message).toContain(`pid ${process.pid}`);
      expect((error as Error).message).toContain('run run-1');
    }
    lock.release();
    acquireLock(opts('run-3')).release();
  });

  it('takes over a stale lock (same host, dead pid) and says whose', () => {
    const first = acquireLock(opts('run-1', { host: 'box' }));
    const second = acquireLock(opts('run-2', { host: 'box', alive: () => false }));
    expect(second.tookOver).toMatchObject({ run_id: 'run-1' });
    first.release(); // the old holder's release must not remove the new lock
    expect(JSON.parse(readFileSync(second.path, 'utf8')).run_id).toBe('run-2');
  });

  it('respects a lock held on another host even if that pid is not alive here', () => {
    acquireLock(opts('run-1', { host: 'other-box' }));
    expect(() => acquireLock(opts('run-2', { host: 'box', alive: () => false }))).toThrow(/another machine|other-box/);
  });

  it('names the command line and the start; a lock without a run (rejected retry) gets its run id later without ever being free', () => {
    const lock = acquireLock({ stateDir: dir, tenant: 'acme', integration: 'erp-orders', command: "nsx rejected retry erp-orders --all --yes" });
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ run_id: null, command: 'nsx rejected retry erp-orders --all --yes' });
    expect(() => acquireLock(opts('run-2'))).toThrow(/`nsx rejected retry erp-orders --all --yes`, started 20/);
    lock.setRunId('run-1');
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).run_id).toBe('run-1');
    expect(liveLockHolder({ stateDir: dir, tenant: 'acme', integration: 'erp-orders' })).toMatchObject({ pid: process.pid, run_id: 'run-1' });
    lock.release();
    expect(liveLockHolder({ stateDir: dir, tenant: 'acme', integration: 'erp-orders' })).toBeUndefined();
  });

  it('liveLockHolder: a dead holder on this host is no holder; one on another host is', () => {
    acquireLock(opts('run-1', { host: 'box' }));
    expect(liveLockHolder({ stateDir: dir, tenant: 'acme', integration: 'erp-orders', host: 'box', alive: () => false })).toBeUndefined();
    expect(liveLockHolder({ stateDir: dir, tenant: 'acme', integration: 'erp-orders', host: 'elsewhere', alive: () => false })).toMatchObject({ host: 'box' });
  });

  it('the command line is quoted as a shell would need it', () => {
    expect(currentCommandLine(['node', 'nsx.cjs', 'recover', 'erp-orders', '--drop', 'event=order.* status-code=400'])).toBe("nsx recover erp-orders --drop 'event=order.* status-code=400'");
  });

  it('a torn (empty) lock file is stale only after a grace period', () => {
    const path = lockPath(dir, 'acme', 'erp-orders');
    acquireLock(opts('run-0')).release();
    writeFileSync(path, '');
    expect(() => acquireLock(opts('run-1'))).toThrow(/starting up/);
  });

  it('a stale-lock takeover never deletes a lock another process took meanwhile (the takeover is atomic)', () => {
    const path = lockPath(dir, 'acme', 'erp-orders');
    acquireLock(opts('run-dead', { host: 'box' })); // left behind by a process that died
    const livePid = 424242;
    let raced = false;
    // While this taker judges the stale lock, another one takes it over first: it removes the stale file and
    // creates its own lock (a new file, a live holder).
    const alive = (pid: number): boolean => {
      if (!raced) {
        raced = true;
        unlinkSync(path);
        writeFileSync(path, `${JSON.stringify({ pid: livePid, host: 'box', user: 'u', started_at: 'now', run_id: 'run-other' })}\n`);
      }
      return pid === livePid;
    };
    expect(() => acquireLock(opts('run-me', { host: 'box', alive }))).toThrow(/another nsx is retrying or deleting the rejected events of erp-orders .* pid 424242/);
    expect(JSON.parse(readFileSync(path, 'utf8')).run_id).toBe('run-other'); // still there, still theirs
    expect(readdirSync(join(dir, 'locks'))).toEqual(['acme--erp-orders.lock']); // nothing left aside
  });

  it('refuses a lock file, or a locks/ folder, that is a symbolic link (never followed, never taken over)', () => {
    const path = lockPath(dir, 'acme', 'erp-orders');
    acquireLock(opts('run-0')).release();
    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, `${JSON.stringify({ pid: 999999, host: 'box', user: 'u', started_at: 'then', run_id: 'run-dead' })}\n`);
    symlinkSync(elsewhere, path);
    expect(() => acquireLock(opts('run-1', { host: 'box', alive: () => false }))).toThrow(`refusing to use ${path}: it is a symbolic link`);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(elsewhere, 'utf8')).run_id).toBe('run-dead');

    const other = mkdtempSync(join(tmpdir(), 'nsx-elsewhere-'));
    try {
      chmodSync(other, 0o755);
      const state = join(dir, 'state2');
      mkdirSync(state);
      symlinkSync(other, join(state, 'locks'));
      expect(() => acquireLock({ stateDir: state, tenant: 'acme', integration: 'erp-orders', runId: 'run-2' })).toThrow(`refusing to use ${join(state, 'locks')}: it is a symbolic link`);
      expect(statSync(other).mode & 0o777).toBe(0o755); // not chmod'ed
      expect(readdirSync(other)).toEqual([]); // nothing written into it
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
