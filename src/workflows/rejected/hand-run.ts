// A run of retries and deletes of events a person chose (`rejected triage`, `rejected retry/delete`): the
// same lock, journal and apply engine as recover, opened by the workflow, not by the command. The run's
// plan file records every decision (a later decision on the same event replaces the earlier one); the
// journal is written on the first action. No terminal I/O: the front ends (commands/rejected/triage.run.ts,
// commands/rejected/batch.ts) ask and print.
import type { Integration, RejectedEvent } from '../../api/schemas.js';
import { applyPlan, attemptsOf, type ApplyResult, type RejectedEventCalls } from '../recover/apply.js';
import { JournalWriter, newRunId, writeRunPlan, type EndRecord, type EventRecord } from '../recover/journal.js';
import { acquireLock, actorName, type HeldLock } from '../recover/lock.js';
import { buildRecoverPlan, NO_RULES, type PlanEvent, type RecoverPlan } from '../recover/plan.js';

export type HandAction = 'retry' | 'delete';
/** Which front end chose the events: written in the journal's header, its plan's rules and phases. */
export type HandSource = 'triage' | 'rejected';

/** What was done, in order, for the summary and the equivalent commands. */
export interface HandStep {
  verb: HandAction;
  /**
   * The events acted on, by id: a group is a message signature (ids and numbers masked), which no filter
   * flag expresses, and a filter run later would also select events that arrived since.
   */
  ids: string[];
  records: EventRecord[];
}

export class HandRun {
  readonly steps: HandStep[] = [];
  private readonly actor = actorName();
  private journal: JournalWriter | undefined;
  private plan: RecoverPlan | undefined;

  private constructor(
    readonly runId: string,
    private readonly stateDir: string,
    private readonly tenant: string,
    private readonly id: string,
    readonly lock: HeldLock,
    private readonly source: HandSource,
  ) {}

  /** Takes the one lock (recover's, triage's, `rejected retry/delete`'s) before anything is read or sent (exit 7 when held). */
  static open(options: { stateDir: string; tenant: string; integration: string; source?: HandSource }): HandRun {
    const runId = newRunId();
    const lock = acquireLock({ stateDir: options.stateDir, tenant: options.tenant, integration: options.integration, runId });
    return new HandRun(runId, options.stateDir, options.tenant, options.integration, lock, options.source ?? 'triage');
  }

  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /** The latest record of each event acted on in this run. */
  latest(): Map<string, EventRecord> {
    return new Map(this.steps.flatMap((d) => d.records).map((r) => [r.event_id, r]));
  }

  /**
   * Retries or deletes these events (oldest first) through the apply engine, one at a time, journaled.
   * Later events of an entity whose earlier one was not delivered are held back (skipped), as in recover.
   */
  async act(
    api: RejectedEventCalls,
    integration: Pick<Integration, 'id'>,
    events: RejectedEvent[],
    verb: HandAction,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number, record: EventRecord) => void; backoffMs?: (round: number) => number } = {},
  ): Promise<ApplyResult> {
    const journal = this.ensureJournal(integration);
    const planned: PlanEvent[] = buildRecoverPlan(integration, events, NO_RULES, { tenant: this.tenant }).events.map((e) => ({
      ...e,
      action: verb === 'retry' ? 'retry' : 'drop',
      rule: this.source === 'triage' ? `triage: ${verb}` : `rejected ${verb}`,
    }));
    const byId = new Map(this.plan!.events.map((e) => [e.id, e]));
    for (const e of planned) byId.set(e.id, e);
    this.plan!.events = [...byId.values()];
    writeRunPlan(this.stateDir, this.runId, this.plan!);
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'apply', detail: { [this.source]: verb, events: planned.length } });
    const result = await applyPlan(api, this.id, planned, {
      tenant: this.tenant,
      actor: this.actor,
      concurrency: 1,
      onError: 'skip',
      attempts: attemptsOf(events),
      signal: options.signal,
      journal,
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
      hooks: { onEvent: (r, p) => options.onProgress?.(p.done, p.total, r) },
    });
    this.steps.push({ verb, ids: events.map((e) => e.id), records: result.records });
    return result;
  }

  /** The integration was started at the end of the run. */
  noteStarted(): void {
    this.journal?.append({ type: 'phase', at: new Date().toISOString(), phase: 'start', detail: { started: true } });
  }

  close(end: Omit<EndRecord, 'type' | 'at'>): void {
    this.journal?.close(end);
  }

  release(): void {
    this.lock.release();
  }

  private ensureJournal(integration: Pick<Integration, 'id'>): JournalWriter {
    this.plan ??= { ...buildRecoverPlan(integration, [], NO_RULES, { tenant: this.tenant }), events: [] };
    this.journal ??= JournalWriter.create(
      this.stateDir,
      {
        run_id: this.runId,
        tenant: this.tenant,
        integration: this.id,
        started_at: new Date().toISOString(),
        plan_summary: { total: 0, retry: 0, drop: 0, skip: 0, by_event: {} },
        options: { concurrency: 1, on_error: 'skip', rate_per_second: null, source: this.source },
      },
      this.plan,
    );
    return this.journal;
  }
}
