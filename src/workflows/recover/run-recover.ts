// nsx recover, in order: lock -> which run -> diagnose -> plan -> confirm -> journal and apply -> gate ->
// start -> watch -> report. Each step lives in steps/ and takes what it needs; this orchestrator runs
// them and carries the run's state (run id, journal, lock, outcomes) between them. No terminal I/O:
// progress goes out as RecoverEvents, the question goes through confirm(), and the run ends with a
// RecoverResult (or throws an NsxError).
import type { LevelChange } from '../pace/adaptive.js';
import type { EventStreamApi } from '../../api/eventstream.js';
import type { Integration, RejectedEvent } from '../../api/schemas.js';
import { statusName } from '../../api/schemas.js';
import { DiskFullError } from '../../config/secure-files.js';
import { ExitCode, InterruptedError, NsxError, type ExitCodeValue } from '../../errors.js';
import { nsxCommand } from '../../hints.js';
import { attemptsOf, type ApplyProgress, type OnError } from './apply.js';
import { JournalWriter, type EndOutcome, type EventRecord, type JournalContents } from './journal.js';
import { acquireLock, actorName, type HeldLock, type LockHolder } from './lock.js';
import { buildRecoverPlan, dropRuleForEvent, type PlanSummary, type RecoverPlan, type RecoverRules } from './plan.js';
import type { RecoverResults } from './session.js';
import type { StopDiagnosis } from './stop-reason.js';
import { listingParallelism, type WatchResult } from './verify.js';
import { applyStep, openJournal } from './steps/apply.js';
import { confirmPlan, consentNeeded } from './steps/confirm.js';
import { diagnose, nothingToDo, startWanted } from './steps/diagnose.js';
import { gateStep } from './steps/gate.js';
import { chooseRun, dryRunEnding, inProgressEvent, paceOf, planRun, refuseSilentCarryOver, ruleWords, typedRules, type RunPlace } from './steps/plan.js';
import { reportRun, type RunRecord } from './steps/report.js';
import { startStep, statusReadDuringGate } from './steps/start.js';
import { watchStep } from './steps/watch.js';

export { listingParallelism } from './verify.js';
export { listEvents, ruleWords, typedRules } from './steps/plan.js';

/** The JSON report (--output json): exactly these fields. */
export interface RecoverReport {
  run_id: string | null;
  tenant: string;
  integration: string;
  dry_run: boolean;
  plan: { total: number; retry: number; drop: number; skip: number; by_event: Record<string, { total: number; retry: number; drop: number; skip: number }> };
  results: RecoverResults;
  started: boolean;
  status_after: string;
  duration_ms: number;
  journal: string | null;
  /** What NewStore published for the integration since the start, read after the watch; null when not read (no start, --watch 0). */
  published: PublishedFigures | null;
}

/**
 * The published-events attempts of the integration since the start [contract §2]. failure_rate: failed /
 * (succeeded + failed), null without attempts. When the read failed: the counts are null and `error` says why.
 */
export interface PublishedFigures {
  attempts: number | null;
  succeeded: number | null;
  failed: number | null;
  failure_rate: number | null;
  /** The start, ISO (the window's beginning). */
  since: string;
  error?: string;
}

export interface RecoverRunOptions {
  id: string;
  rules: RecoverRules;
  planIn: { plan: RecoverPlan; path: string } | undefined;
  dryRun: boolean;
  resume: string | false | undefined;
  yes: boolean;
  onError: OnError | undefined;
  /** The fixed level, or under --concurrency auto the --max-concurrency; undefined = not typed. */
  concurrency: number | undefined;
  /** --concurrency auto. */
  adaptive?: boolean | undefined;
  ratePerSecond: number | undefined;
  allowRemaining: number;
  start: boolean;
  watchMs: number;
  /** --max-failure-rate (0 to 1); undefined: published failures alone do not fail the run. */
  maxFailureRate?: number | undefined;
  /** This command's --on-error, --concurrency and --rate as typed (a run records them), to repeat in printed commands. */
  runFlags: string[];
  /** This command's --allow-remaining, --no-start and --watch as typed (this session only), likewise. */
  sessionFlags: string[];
}

/** What a resumed run carries over that this command did not type: its rules, and options that differ from the defaults. */
export interface InheritedSettings {
  rules: Array<{ flag: '--drop' | '--skip' | '--only'; expression: string }>;
  options: Array<{ flag: string; value: string }>;
}

/** Where the plan being shown comes from. */
export type PlanSource = { kind: 'resume'; runId: string } | { kind: 'plan-in'; path: string; createdAt: string } | { kind: 'new' };

/** What happened, in order, for the caller to show. */
export type RecoverEvent =
  /** The run holds the integration's lock; the caller makes sure it is released at exit. */
  | { type: 'locked'; lock: HeldLock }
  /** Listing every rejected event begins ('reading') and ends ('read'). */
  | { type: 'reading' }
  | { type: 'read' }
  | { type: 'diagnosis'; diagnosis: StopDiagnosis; integration: Integration }
  /** An unfinished run with nothing left to do was marked completed. */
  | { type: 'stale-run-closed'; runId: string }
  /** A dry run found another command holding the integration's lock (a recover in progress, or a rejected retry/delete). */
  | { type: 'in-progress'; holder: LockHolder; runId: string | null; done: number | undefined; total: number | undefined }
  | { type: 'resuming'; dryRun: boolean; journal: JournalContents; finished: number; total: number; inherited: InheritedSettings; inProgress: boolean }
  /** How the server differs from a resumed or saved plan. */
  | { type: 'plan-drift'; which: string; gone: number; unmentioned: number }
  /** estimateMs: from round trips of earlier retry/delete calls of this integration; undefined when none was measured. */
  | { type: 'plan'; plan: RecoverPlan; source: PlanSource; todo: PlanSummary; estimateMs: number | undefined; estimateSamples: number; concurrency: number; adaptive: boolean; start: boolean; asking: boolean }
  | { type: 'superseded'; runId: string }
  | { type: 'applying' }
  | { type: 'event'; record: EventRecord; progress: ApplyProgress }
  | { type: 'slow-down'; ratePerSecond: number }
  /** --concurrency auto changed the level. */
  | { type: 'level'; change: LevelChange }
  | { type: 'apply-ended' }
  | { type: 'applied'; records: readonly EventRecord[]; ms: number }
  | { type: 'apply-interrupted'; handled: number; notAttempted: number; journal: string; resumeCommand: string }
  /** dropCommand: the same rules plus a --drop of the failed event's name (a new plan). */
  | { type: 'apply-stopped'; failure: EventRecord; notAttempted: number; resumeCommand: string; dropCommand: string }
  | { type: 'gate-checking' }
  | { type: 'gate'; remaining: number; stable: boolean }
  | { type: 'remaining'; events: readonly RejectedEvent[] }
  | { type: 'started'; started: boolean }
  | { type: 'watching' }
  | { type: 'watch-tick'; ms: number }
  | { type: 'watched'; result: WatchResult }
  /** The published events since the start were read (after the watch). */
  | { type: 'published'; figures: PublishedFigures }
  | { type: 'new-rejections'; events: readonly RejectedEvent[] }
  | { type: 'interrupted'; journal: string | undefined; resumeCommand: string };

/** What the person is asked to agree to. */
export interface ConfirmRequest {
  retry: number;
  drop: number;
  willStart: boolean;
}

export interface RecoverRunContext {
  api: EventStreamApi;
  tenant: string;
  stateDir: string;
  signal: AbortSignal;
  /** A person can answer a prompt here (stdin and stdout are terminals, prompts allowed). */
  interactive: boolean;
  /** An in-process sandbox is fresh each time, so its old runs are moot. */
  sandbox: boolean;
  /** When the command began (the report's start time and duration). */
  startedAt: Date;
  t0: number;
  /** Awaited: a caller may set up its display before the run goes on. */
  onEvent(event: RecoverEvent): void | Promise<void>;
  /** Resolves to go ahead; throws to refuse. */
  confirm(request: ConfirmRequest): Promise<void>;
}

export interface RecoverEnding {
  outcome: EndOutcome;
  resumable: boolean;
  exitCode: ExitCodeValue;
  /** One line for the summary and the report: how the run ended. */
  ending: string;
  error?: NsxError;
}

export interface RecoverResult {
  report: RecoverReport;
  end: RecoverEnding;
  /** Nothing to do, or a dry run: there is no "recovered" to claim. */
  nothingApplied: boolean;
  plan: RecoverPlan;
  diagnosis: StopDiagnosis | undefined;
  outcomes: ReadonlyMap<string, EventRecord>;
  /** The events not delivered. */
  failures: EventRecord[];
  actor: string;
}

export function runRecover(options: RecoverRunOptions, context: RecoverRunContext): Promise<RecoverResult> {
  return new RecoverRun(options, context).run();
}

/** The state one run carries from step to step; each step gets what it needs of it. */
class RecoverRun {
  private readonly actor = actorName();
  private readonly place: RunPlace;
  private diagnosis: StopDiagnosis | undefined;
  private plan: RecoverPlan | undefined;
  private runId: string | null = null;
  private journal: JournalWriter | undefined;
  private lock: HeldLock | undefined;
  private outcomes = new Map<string, EventRecord>();
  private remaining = 0;
  private started = false;
  private statusAfter = 'unknown';
  private published: PublishedFigures | undefined;
  private promptMs = 0;

  constructor(
    private readonly o: RecoverRunOptions,
    private readonly c: RecoverRunContext,
  ) {
    this.place = { stateDir: c.stateDir, tenant: c.tenant, sandbox: c.sandbox };
  }

  private readonly emit = (event: RecoverEvent): void | Promise<void> => this.c.onEvent(event);

  async run(): Promise<RecoverResult> {
    const { o, c } = this;
    const { id } = o;

    // Lock first, before anything is read: one command at a time acts on these rejected events, and
    // the loser exits 7 before it has sent anything. A dry run changes nothing and takes none.
    if (!o.dryRun) {
      this.lock = acquireLock({ stateDir: c.stateDir, tenant: c.tenant, integration: id });
      await this.emit({ type: 'locked', lock: this.lock });
    }
    const choice = chooseRun(o, this.place);
    this.runId = choice.runId;
    if (this.runId) this.lock?.setRunId(this.runId);
    const pace = paceOf(o, choice.resumable);

    const { holder } = choice;
    const context = await diagnose(
      c.api,
      id,
      {
        signal: c.signal,
        parallel: listingParallelism(pace.concurrency, pace.ratePerSecond),
        ...(holder ? { afterContext: () => this.emit(inProgressEvent(holder, choice.resumable)) } : {}),
      },
      this.emit,
    );
    const { integration, rejected } = context;
    this.statusAfter = statusName(integration.status);
    this.diagnosis = context.diagnosis;
    const willTryStart = startWanted(context.diagnosis, o.start);

    const idle = nothingToDo(context, Boolean(o.planIn));
    if (idle) {
      if (choice.resumable && !o.dryRun) {
        JournalWriter.reopen(choice.resumable.path).close({ outcome: 'completed', resumable: false, exit_code: 0, message: 'nothing left: the integration runs and holds no rejected events' });
        await this.emit({ type: 'stale-run-closed', runId: choice.resumable.header.run_id });
      }
      this.plan = buildRecoverPlan(integration, [], o.rules, { tenant: c.tenant });
      this.runId = null;
      return this.report({ outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending: `${id} ${idle}: nothing to do.` }, true);
    }

    if (choice.resumable && !o.dryRun) refuseSilentCarryOver(o, choice.resumable, c.interactive);
    const planned = await planRun(o, { integration, rejected, choice, pace, startWanted: willTryStart, place: this.place }, this.emit);
    this.plan = planned.plan;
    this.outcomes = planned.outcomes;
    const onServer = rejected.length;
    // What a read after a send with an unknown outcome compares with (see apply's settle).
    const attempts = attemptsOf(rejected);
    // The plan holds what apply needs; the full events (payloads) are let go before thousands of calls.
    rejected.length = 0;

    if (o.dryRun) {
      this.remaining = onServer;
      return this.report(dryRunEnding(o, choice), true);
    }

    const consent = await confirmPlan(consentNeeded(planned.todo, planned.willStart), c.confirm);
    this.promptMs += consent.promptMs; // the run's duration is nsx's time, not the person's

    this.journal = await openJournal(
      { choice, plan: planned.plan, todo: planned.state.todo.length, pace, stateDir: c.stateDir, tenant: c.tenant, id, actor: this.actor, startedAt: c.startedAt, planIn: Boolean(o.planIn) },
      this.emit,
    );
    const journal = this.journal;
    try {
      return await this.applyAndAfter(planned.state, pace, attempts, journal, willTryStart);
    } catch (error) {
      if (c.signal.aborted && !(error instanceof NsxError)) {
        throw new InterruptedError('interrupted', { hint: `the journal is complete (${journal.path}); resume with: ${this.resumeCommand()}` });
      }
      if (error instanceof DiskFullError) {
        throw new DiskFullError(error.path, error.code, { hint: `free some space, then resume with: ${this.resumeCommand()}`, cause: error });
      }
      throw error;
    } finally {
      // Still open here: Ctrl-C cut a read short, or an unexpected error (authentication, an answer nsx
      // cannot read) ended the run. Either way it can be resumed.
      journal.close(
        c.signal.aborted
          ? { outcome: 'interrupted', resumable: true, exit_code: ExitCode.interrupted }
          : { outcome: 'error', resumable: true, exit_code: ExitCode.error, message: 'ended by an unexpected error' },
      );
    }
  }

  /** apply -> gate -> start -> watch, each ending the run when it says so. */
  private async applyAndAfter(
    state: Parameters<typeof applyStep>[2]['state'],
    pace: ReturnType<typeof paceOf>,
    attempts: ReadonlyMap<string, number>,
    journal: JournalWriter,
    willTryStart: boolean,
  ): Promise<RecoverResult> {
    const { o, c } = this;
    const { id } = o;
    const { api, signal } = c;

    const applied = await applyStep(
      api,
      id,
      {
        state,
        pace,
        tenant: c.tenant,
        actor: this.actor,
        attempts,
        signal,
        journal,
        outcomes: this.outcomes,
        resumeCommand: this.resumeCommand(),
        dropCommand: (f) => nsxCommand('recover', id, this.planRuleWords(), '--drop', dropRuleForEvent(f.event_name), o.runFlags, o.sessionFlags, '--yes'),
      },
      this.emit,
    );
    if (applied.kind === 'ended') {
      this.remaining = applied.remaining;
      return this.report(applied.end);
    }

    const status = statusReadDuringGate(api, id, willTryStart);
    const gated = await gateStep(
      api,
      id,
      { failures: applied.failures, allowRemaining: o.allowRemaining, parallel: listingParallelism(pace.concurrency, pace.ratePerSecond), signal, journal },
      this.emit,
    );
    if (gated.kind === 'interrupted') return this.interruptedAfterApply();
    if (gated.kind === 'refused') {
      this.remaining = gated.remaining;
      return this.report(gated.end);
    }
    this.remaining = gated.remaining.length;

    const start = await startStep(api, id, { startWanted: willTryStart, startFlag: o.start, partialError: gated.partialError, journal, status }, this.emit);
    if (start.kind === 'not-started') return this.report(start.end);
    this.started = start.started;
    this.statusAfter = 'running';

    const watched = await watchStep(
      api,
      id,
      {
        watchMs: o.watchMs,
        startMs: start.startMs,
        started: start.started,
        knownRejected: gated.remaining.map((e) => e.id),
        partialError: gated.partialError,
        signal,
        journal,
        maxFailureRate: o.maxFailureRate,
      },
      this.emit,
    );
    this.statusAfter = watched.statusAfter;
    if (watched.kind === 'interrupted') return this.interruptedAfterApply();
    this.remaining = watched.remaining;
    this.published = watched.published;
    return this.report(watched.end);
  }

  private resumeCommand(): string {
    return nsxCommand('recover', this.o.id, '--resume', this.runId, this.o.sessionFlags, this.o.yes && '--yes');
  }

  /** The rules of the plan being applied (typed now, or the resumed run's), as command words. */
  private planRuleWords(): string[] {
    return this.plan ? ruleWords(this.plan.rules) : ruleWords(typedRules(this.o.rules));
  }

  private async interruptedAfterApply(): Promise<RecoverResult> {
    await this.emit({ type: 'interrupted', journal: this.journal?.path, resumeCommand: this.resumeCommand() });
    return this.report({ outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted after the events were handled.', error: new InterruptedError() });
  }

  private report(end: RecoverEnding, nothingApplied = false): RecoverResult {
    const run: RunRecord = {
      runId: this.runId,
      tenant: this.c.tenant,
      integration: this.o.id,
      dryRun: this.o.dryRun,
      plan: this.plan!,
      outcomes: this.outcomes,
      remaining: this.remaining,
      started: this.started,
      statusAfter: this.statusAfter,
      published: this.published,
      durationMs: performance.now() - this.c.t0 - this.promptMs,
      journal: this.journal,
      lock: this.lock,
      diagnosis: this.diagnosis,
      actor: this.actor,
    };
    return reportRun(run, end, nothingApplied);
  }
}
