// A run of retries and deletes chosen by hand (`rejected triage`): the same lock, journal and apply engine
// as recover, opened by the workflow, not by the command. The run's plan file records every decision (a
// later decision on the same event replaces the earlier one); the journal is written on the first action.
// No terminal I/O: the front end (commands/rejected/triage.ts) asks and prints.
import type { EventStreamApi } from '../../api/eventstream.js';
import type { Integration, RejectedEvent } from '../../api/schemas.js';
import { applyPlan, attemptsOf, type ApplyResult } from '../recover/apply.js';
import { JournalWriter, newRunId, writeRunPlan, type EndRecord, type EventRecord } from '../recover/journal.js';
import { acquireLock, actorName, type HeldLock } from '../recover/lock.js';
import { buildRecoverPlan, NO_RULES, type PlanEvent, type RecoverPlan } from '../recover/plan.js';

export type HandAction = 'retry' | 'delete';

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
  ) {}

  /** Takes the lock recover and `rejected retry/delete` take, before anything is read or sent (exit 7 when held). */
  static open(options: { stateDir: string; tenant: string; integration: string }): HandRun {
    const runId = newRunId();
    const lock = acquireLock({ stateDir: options.stateDir, tenant: options.tenant, integration: options.integration, runId });
    return new HandRun(runId, options.stateDir, options.tenant, options.integration, lock);
  }

  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /** The latest record of each event acted on in this run. */
  latest(): Map<string, EventRecord> {
    return new Map(this.steps.flatMap((d) => d.records).map((r) => [r.event_id, r]));
  }

  /** Retries or deletes these events (oldest first) through the apply engine, one at a time, journaled. */
  async act(
    api: Pick<EventStreamApi, 'retryRejectedEvent' | 'deleteRejectedEvent' | 'rejectedEvents'>,
    integration: Integration,
    events: RejectedEvent[],
    verb: HandAction,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ApplyResult> {
    const journal = this.ensureJournal(integration);
    const planned: PlanEvent[] = buildRecoverPlan(integration, events, NO_RULES, { tenant: this.tenant }).events.map((e) => ({
      ...e,
      action: verb === 'retry' ? 'retry' : 'drop',
      rule: `triage: ${verb}`,
    }));
    const byId = new Map(this.plan!.events.map((e) => [e.id, e]));
    for (const e of planned) byId.set(e.id, e);
    this.plan!.events = [...byId.values()];
    writeRunPlan(this.stateDir, this.runId, this.plan!);
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'apply', detail: { triage: verb, events: planned.length } });
    const result = await applyPlan(api, this.id, planned, {
      tenant: this.tenant,
      actor: this.actor,
      concurrency: 1,
      onError: 'skip',
      attempts: attemptsOf(events),
      signal: options.signal,
      journal,
      hooks: { onEvent: (_r, p) => options.onProgress?.(p.done, p.total) },
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

  private ensureJournal(integration: Integration): JournalWriter {
    this.plan ??= { ...buildRecoverPlan(integration, [], NO_RULES, { tenant: this.tenant }), events: [] };
    this.journal ??= JournalWriter.create(
      this.stateDir,
      {
        run_id: this.runId,
        tenant: this.tenant,
        integration: this.id,
        started_at: new Date().toISOString(),
        plan_summary: { total: 0, retry: 0, drop: 0, skip: 0, by_event: {} },
        options: { concurrency: 1, on_error: 'skip', rate_per_second: null, source: 'triage' },
      },
      this.plan,
    );
    return this.journal;
  }
}
