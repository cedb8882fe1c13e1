// report: the report's data from what the run knows, the journal closed with the run's ending, the lock released.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, PartialFailureError } from '../../../../src/errors.js';
import { JournalWriter, readJournal, type EventRecord } from '../../../../src/workflows/recover/journal.js';
import { acquireLock, liveLockHolder } from '../../../../src/workflows/recover/lock.js';
import type { PlanEvent, RecoverPlan } from '../../../../src/workflows/recover/plan.js';
import { reportRun } from '../../../../src/workflows/recover/steps/report.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const event = (id: string, action: PlanEvent['action']): PlanEvent => ({ id, name: 'order.created', entity: id, rejected_at: '2026-11-20T08:00:00Z', published_at: null, action });
const plan: RecoverPlan = { format: 'nsx.recover-plan', version: 1, tenant: 'acme', integration: 'erp-orders', created_at: '2026-11-20T09:00:00Z', rules: { drop: [], skip: [], only: [] }, events: [event('e1', 'retry'), event('e2', 'retry'), event('e3', 'drop'), event('e4', 'skip')] };
const outcome = (id: string, o: EventRecord['outcome']): EventRecord => ({ type: 'event', at: '2026-11-20T09:01:00Z', user: 'ops', tenant: 'acme', integration: 'erp-orders', event_id: id, event_name: 'order.created', entity: id, action: 'retry', outcome: o, receiver_status: null, duration_ms: 5 });

function started(): { stateDir: string; journal: JournalWriter } {
  const stateDir = mkdtempSync(join(tmpdir(), 'nsx-report-'));
  dirs.push(stateDir);
  const journal = JournalWriter.create(
    stateDir,
    { run_id: '20261120T090000Z-abcd', tenant: 'acme', integration: 'erp-orders', started_at: '2026-11-20T09:00:00Z', plan_summary: { total: 4, retry: 2, drop: 1, skip: 1, by_event: {} }, options: { concurrency: 1, on_error: 'skip', rate_per_second: null, source: 'recover' } },
    plan,
  );
  return { stateDir, journal };
}

describe('report', () => {
  it('tallies the outcomes, closes the journal with the ending and the results, and releases the lock', () => {
    const { stateDir, journal } = started();
    const lock = acquireLock({ stateDir, tenant: 'acme', integration: 'erp-orders' });
    const outcomes = new Map([['e1', outcome('e1', 'delivered')], ['e2', outcome('e2', 'rejected')], ['e3', outcome('e3', 'deleted')], ['e4', outcome('e4', 'skipped')]]);
    const error = new PartialFailureError('1 event(s) were not delivered (--on-error skip); they remain rejected');
    const r = reportRun(
      { runId: '20261120T090000Z-abcd', tenant: 'acme', integration: 'erp-orders', dryRun: false, plan, outcomes, remaining: 1, started: true, statusAfter: 'running', durationMs: 1234.4, journal, lock, diagnosis: undefined, actor: 'ops' },
      { outcome: 'completed', resumable: false, exitCode: ExitCode.partial, ending: 'Started erp-orders; it is running (not watched: --watch 0).', error },
    );
    expect(r.report).toEqual({
      run_id: '20261120T090000Z-abcd',
      tenant: 'acme',
      integration: 'erp-orders',
      dry_run: false,
      plan: { total: 4, retry: 2, drop: 1, skip: 1, by_event: { 'order.created': { total: 4, retry: 2, drop: 1, skip: 1 } } },
      results: { delivered: 1, deleted: 1, gone: 0, failed: 1, skipped: 1, remaining: 1 },
      started: true,
      status_after: 'running',
      duration_ms: 1234,
      journal: journal.path,
      published: null,
    });
    expect(r.failures.map((f) => f.event_id)).toEqual(['e2']);
    const written = readJournal(journal.path);
    expect(written.end).toMatchObject({ outcome: 'completed', resumable: false, exit_code: 6, message: error.message, results: r.report.results });
    expect(liveLockHolder({ stateDir, tenant: 'acme', integration: 'erp-orders' })).toBeUndefined();
  });

  it('a dry run has no journal and no run id, and reports what remains on the server', () => {
    const r = reportRun(
      { runId: null, tenant: 'acme', integration: 'erp-orders', dryRun: true, plan, outcomes: new Map(), remaining: 3, started: false, statusAfter: 'stopped', durationMs: 10, journal: undefined, lock: undefined, diagnosis: undefined, actor: 'ops' },
      { outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending: 'Dry run: nothing was changed.' },
      true,
    );
    expect(r.report).toMatchObject({ run_id: null, dry_run: true, journal: null, started: false, status_after: 'stopped', results: { delivered: 0, remaining: 3 } });
    expect(r.nothingApplied).toBe(true);
  });
});
