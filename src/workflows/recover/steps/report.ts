// Step 9 of recover: the report's data. Closes the journal with the run's ending and results, and
// releases the lock.
import type { EventRecord, JournalWriter } from '../journal.js';
import type { HeldLock } from '../lock.js';
import { summarizePlan, type RecoverPlan } from '../plan.js';
import type { PublishedFigures, RecoverEnding, RecoverReport, RecoverResult } from '../run-recover.js';
import { tallyResults } from '../session.js';
import type { StopDiagnosis } from '../stop-reason.js';
import { notDelivered } from './apply.js';

/** What a run knows when it ends, whichever step ended it. */
export interface RunRecord {
  runId: string | null;
  tenant: string;
  integration: string;
  dryRun: boolean;
  plan: RecoverPlan;
  /** The latest outcome of each plan event, over every session of the run. */
  outcomes: ReadonlyMap<string, EventRecord>;
  /** Rejected events left on the server as far as the run knows. */
  remaining: number;
  started: boolean;
  statusAfter: string;
  /** What NewStore published since the start (read after the watch); undefined when not read. */
  published?: PublishedFigures | undefined;
  /** nsx's time, without the time a question was open. */
  durationMs: number;
  journal: JournalWriter | undefined;
  lock: HeldLock | undefined;
  diagnosis: StopDiagnosis | undefined;
  actor: string;
}

export function reportRun(run: RunRecord, end: RecoverEnding, nothingApplied = false): RecoverResult {
  const whole = summarizePlan(run.plan.events);
  const report: RecoverReport = {
    run_id: run.runId,
    tenant: run.tenant,
    integration: run.integration,
    dry_run: run.dryRun,
    plan: { total: whole.total, retry: whole.retry, drop: whole.drop, skip: whole.skip, by_event: whole.by_event },
    results: tallyResults(run.outcomes, run.remaining),
    started: run.started,
    status_after: run.statusAfter,
    duration_ms: Math.round(run.durationMs),
    journal: run.journal?.path ?? null,
    published: run.published ?? null,
  };
  run.journal?.close({ outcome: end.outcome, resumable: end.resumable, exit_code: end.exitCode, ...(end.error ? { message: end.error.message } : {}), results: report.results });
  run.lock?.release();
  return { report, end, nothingApplied, plan: run.plan, diagnosis: run.diagnosis, outcomes: run.outcomes, failures: notDelivered(run.outcomes), actor: run.actor };
}
