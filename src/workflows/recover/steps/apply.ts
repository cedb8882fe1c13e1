// Steps 5-6 of recover: the journal (a new run, or appended to the resumed one) and applying the plan's
// remaining events in plan order through the apply engine (../apply.ts), each outcome journaled.
import { ExitCode, InterruptedError, PartialFailureError } from '../../../errors.js';
import { applyPlan, type RejectedEventCalls } from '../apply.js';
import { JournalWriter, type EventRecord } from '../journal.js';
import { summarizePlan, type RecoverPlan } from '../plan.js';
import type { RecoverEnding } from '../run-recover.js';
import type { ResumeState } from '../session.js';
import type { EmitRecoverEvent } from './diagnose.js';
import type { Pace, RunChoice } from './plan.js';

/** Closes a superseded run, then opens the journal this session writes to. */
export async function openJournal(
  input: { choice: RunChoice; plan: RecoverPlan; todo: number; pace: Pace; stateDir: string; tenant: string; id: string; actor: string; startedAt: Date; planIn: boolean },
  emit: EmitRecoverEvent,
): Promise<JournalWriter> {
  const { choice, plan, pace } = input;
  const runId = choice.runId!;
  if (choice.supersede) {
    JournalWriter.reopen(choice.supersede.path).close({ outcome: 'superseded', resumable: false, exit_code: 0, message: `superseded by run ${runId}` });
    await emit({ type: 'superseded', runId: choice.supersede.header.run_id });
  }
  if (choice.resumable) {
    const journal = JournalWriter.reopen(choice.resumable.path);
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'resume', detail: { pid: process.pid, user: input.actor, todo: input.todo } }, true);
    return journal;
  }
  return JournalWriter.create(
    input.stateDir,
    {
      run_id: runId,
      tenant: input.tenant,
      integration: input.id,
      started_at: input.startedAt.toISOString(),
      plan_summary: (({ total, retry, drop, skip, by_event }) => ({ total, retry, drop, skip, by_event }))(summarizePlan(plan.events)),
      options: { concurrency: pace.concurrency, ...(pace.adaptive ? { adaptive: true } : {}), on_error: pace.onError, rate_per_second: pace.ratePerSecond ?? null, source: input.planIn ? 'plan-in' : 'recover' },
    },
    plan,
  );
}

export function notDelivered(outcomes: ReadonlyMap<string, EventRecord>): EventRecord[] {
  return [...outcomes.values()].filter((r) => r.outcome === 'rejected' || r.outcome === 'error');
}

export type ApplyStepResult =
  /** Every event was handled (some may not have been delivered, under --on-error skip). */
  | { kind: 'applied'; failures: EventRecord[] }
  /** Ctrl-C or --on-error stop: the run ends here, resumable. */
  | { kind: 'ended'; end: RecoverEnding; remaining: number };

/**
 * Records the plan events gone from the server meanwhile, then applies the rest in plan order. Every
 * outcome is set in `outcomes` (the run's, over all its sessions) as it comes.
 */
export async function applyStep(
  api: RejectedEventCalls,
  id: string,
  input: {
    state: ResumeState;
    pace: Pace;
    tenant: string;
    actor: string;
    attempts: ReadonlyMap<string, number> | undefined;
    signal: AbortSignal;
    journal: JournalWriter;
    outcomes: Map<string, EventRecord>;
    resumeCommand: string;
    /** The command that plans anew without the event that stopped the run. */
    dropCommand(failure: EventRecord): string;
  },
  emit: EmitRecoverEvent,
): Promise<ApplyStepResult> {
  const { journal, outcomes, pace, state, resumeCommand } = input;
  const goneRecords: EventRecord[] = [];
  for (const event of state.goneMeanwhile) {
    const rec: EventRecord = {
      type: 'event',
      at: new Date().toISOString(),
      user: input.actor,
      tenant: input.tenant,
      integration: id,
      event_id: event.id,
      event_name: event.name,
      entity: event.entity,
      action: event.action,
      outcome: 'gone',
      receiver_status: null,
      duration_ms: 0,
    };
    journal.append(rec);
    outcomes.set(rec.event_id, rec);
    goneRecords.push(rec);
  }

  journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'apply', detail: { events: state.todo.length, ...pace, rate_per_second: pace.ratePerSecond ?? null } });
  await emit({ type: 'applying' });
  const applyStarted = performance.now();
  const result = await applyPlan(api, id, state.todo, {
    tenant: input.tenant,
    actor: input.actor,
    concurrency: pace.concurrency,
    adaptive: pace.adaptive ? {} : undefined,
    ratePerSecond: pace.ratePerSecond,
    onError: pace.onError,
    attempts: input.attempts,
    signal: input.signal,
    journal,
    hooks: {
      onEvent: (record, progress) => {
        outcomes.set(record.event_id, record);
        void emit({ type: 'event', record, progress });
      },
      onSlowDown: (ratePerSecond) => void emit({ type: 'slow-down', ratePerSecond }),
      onLevel: (change) => void emit({ type: 'level', change }),
    },
  }).finally(() => emit({ type: 'apply-ended' }));
  for (const rec of result.records) outcomes.set(rec.event_id, rec);
  const failures = notDelivered(outcomes);
  if (!result.interrupted && !result.stoppedBy) await emit({ type: 'applied', records: [...goneRecords, ...result.records], ms: performance.now() - applyStarted });

  const remaining = result.notAttempted.length + failures.length;
  if (result.interrupted) {
    const handled = result.records.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'interrupted').length;
    await emit({ type: 'apply-interrupted', handled, notAttempted: result.notAttempted.length, journal: journal.path, resumeCommand });
    return {
      kind: 'ended',
      remaining,
      end: { outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted; not started.', error: new InterruptedError('interrupted', { hint: `resume with: ${resumeCommand}` }) },
    };
  }
  if (result.stoppedBy) {
    const f = result.stoppedBy;
    await emit({ type: 'apply-stopped', failure: f, notAttempted: result.notAttempted.length, resumeCommand, dropCommand: input.dropCommand(f) });
    return {
      kind: 'ended',
      remaining,
      end: {
        outcome: 'stopped_on_error',
        resumable: true,
        exitCode: ExitCode.partial,
        ending: `Stopped at ${f.event_name} ${f.event_id} (not delivered); not started.`,
        error: new PartialFailureError(`${f.event_name} ${f.event_id} was not delivered; stopped (--on-error stop)`, { hint: `resume with: ${resumeCommand}` }),
      },
    };
  }
  return { kind: 'applied', failures };
}
