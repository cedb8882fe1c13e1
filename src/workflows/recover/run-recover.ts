// The steps of nsx recover in order: context -> lock -> plan -> confirm -> apply (journaled) -> gate -> start ->
// watch -> the report's data. No terminal I/O: progress goes out as RecoverEvents, the question goes through
// confirm(), and the run ends with a RecoverResult (or throws an NsxError).
import type { EventStreamApi } from '../../api/eventstream.js';
import type { Integration, LogEntry, RejectedEvent } from '../../api/schemas.js';
import { integrationIsRunning, statusName } from '../../api/schemas.js';
import {
  ExitCode,
  InterruptedError,
  NsxError,
  PartialFailureError,
  PreconditionError,
  type ExitCodeValue,
} from '../../errors.js';
import { nsxCommand } from '../../hints.js';
import { formatDuration } from '../../input/time.js';
import { applyPlan, attemptsOf, type ApplyProgress, type OnError } from './apply.js';
import {
  findResumableRun,
  measuredCallTimes,
  findRun,
  JournalWriter,
  newRunId,
  readJournal,
  readRunPlan,
  type EndOutcome,
  type EventRecord,
  type JournalContents,
  type RunListing,
} from './journal.js';
import { DiskFullError } from '../../config/secure-files.js';
import { acquireLock, actorName, describeHolder, liveLockHolder, type HeldLock, type LockHolder } from './lock.js';
import {
  buildRecoverPlan,
  dropRuleForEvent,
  estimateDurationMs,
  hasRules,
  summarizePlan,
  type PlanRules,
  type PlanSummary,
  type RecoverPlan,
  type RecoverRules,
} from './plan.js';
import { resumeState, tallyResults, type RecoverResults, type ResumeState } from './session.js';
import { classifyStop, type StopDiagnosis } from './stop-reason.js';
import { gate, watchIntegration, type WatchResult } from './verify.js';
import { listAllRejected } from '../rejected/listing.js';

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
}

export interface RecoverRunOptions {
  id: string;
  rules: RecoverRules;
  planIn: { plan: RecoverPlan; path: string } | undefined;
  dryRun: boolean;
  resume: string | false | undefined;
  yes: boolean;
  onError: OnError | undefined;
  concurrency: number | undefined;
  ratePerSecond: number | undefined;
  allowRemaining: number;
  start: boolean;
  watchMs: number;
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
  | { type: 'plan'; plan: RecoverPlan; source: PlanSource; todo: PlanSummary; estimateMs: number | undefined; estimateSamples: number; concurrency: number; start: boolean; asking: boolean }
  | { type: 'superseded'; runId: string }
  | { type: 'applying' }
  | { type: 'event'; record: EventRecord; progress: ApplyProgress }
  | { type: 'slow-down'; ratePerSecond: number }
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

const LOG_ENTRIES_READ = 20;

async function firstLogEntries(api: EventStreamApi, id: string, signal: AbortSignal): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of api.logs(id, { pageSize: LOG_ENTRIES_READ, signal })) {
    entries.push(entry);
    if (entries.length >= LOG_ENTRIES_READ) break;
  }
  return entries;
}

/** A few rejected events, one a line, for messages. */
export function listEvents(events: readonly RejectedEvent[], max = 10): string {
  const lines = events.slice(0, max).map((e) => `  ${e.event.name} ${e.id} (rejected ${e.rejected_at}${e.response?.status_code ? `, HTTP ${e.response.status_code}` : ''})`);
  if (events.length > max) lines.push(`  … and ${events.length - max} more (nsx rejected list shows them all)`);
  return lines.join('\n');
}

/** The rules as typed. */
export function typedRules(r: RecoverRules): PlanRules {
  return { drop: r.drop.map((x) => x.expression), skip: r.skip.map((x) => x.expression), only: r.only.map((x) => x.expression) };
}

/** The rules as command words (['--drop', 'event=x', ...]), to repeat a command. */
export function ruleWords(r: PlanRules): string[] {
  return [...r.drop.flatMap((x) => ['--drop', x]), ...r.skip.flatMap((x) => ['--skip', x]), ...r.only.flatMap((x) => ['--only', x])];
}

/** The options of a run (as recorded in its journal) as command words, leaving out the defaults. */
function optionWords(o: { on_error: string; concurrency: number; rate_per_second: number | null }): Array<{ flag: string; value: string }> {
  const words: Array<{ flag: string; value: string }> = [];
  if (o.on_error !== 'stop') words.push({ flag: '--on-error', value: o.on_error });
  if (o.concurrency !== 1) words.push({ flag: '--concurrency', value: String(o.concurrency) });
  if (o.rate_per_second !== null) words.push({ flag: '--rate', value: `${o.rate_per_second}/s` });
  return words;
}

function notDelivered(outcomes: ReadonlyMap<string, EventRecord>): EventRecord[] {
  return [...outcomes.values()].filter((r) => r.outcome === 'rejected' || r.outcome === 'error');
}

/**
 * Pages of rejected events read at once: the run's concurrency, at most 8 (a listing is a burst of reads
 * that --rate does not pace), and one at a time when the user asked for a gentle --rate.
 */
export function listingParallelism(concurrency: number, ratePerSecond: number | undefined): number {
  return ratePerSecond ? 1 : Math.max(1, Math.min(concurrency, 8));
}

export function runRecover(options: RecoverRunOptions, context: RecoverRunContext): Promise<RecoverResult> {
  return new RecoverRun(options, context).run();
}

class RecoverRun {
  private readonly actor = actorName();
  private readonly api: EventStreamApi;
  private readonly tenant: string;
  private integration!: Integration;
  private diagnosis: StopDiagnosis | undefined;
  private plan: RecoverPlan | undefined;
  private runId: string | null = null;
  private journal: JournalWriter | undefined;
  private lock: HeldLock | undefined;
  private outcomes = new Map<string, EventRecord>();
  private remaining = 0;
  private started = false;
  private startWanted = true;
  private statusAfter = 'unknown';
  private promptMs = 0;
  private attempts: ReadonlyMap<string, number> | undefined;

  constructor(
    private readonly o: RecoverRunOptions,
    private readonly c: RecoverRunContext,
  ) {
    this.api = c.api;
    this.tenant = c.tenant;
  }

  private emit(event: RecoverEvent): void | Promise<void> {
    return this.c.onEvent(event);
  }

  async run(): Promise<RecoverResult> {
    const { id } = this.o;
    const { signal } = this.c;

    // 2. Lock first, before anything is read: one command at a time acts on these rejected events, and
    // the loser exits 7 before it has sent anything. A dry run changes nothing and takes none.
    if (!this.o.dryRun) {
      this.lock = acquireLock({ stateDir: this.c.stateDir, tenant: this.tenant, integration: id });
      await this.emit({ type: 'locked', lock: this.lock });
    }

    // Which run: continue an unfinished one, apply a saved plan, or plan anew. A dry run shows what a
    // plain re-run would do, so it looks for an unfinished run too (and only reads it).
    const resumable = this.o.resume === false ? undefined : this.resumableRun();
    const supersede = !resumable && !this.o.dryRun && typeof this.o.resume !== 'string' ? this.unfinishedToSupersede() : undefined;
    this.runId = this.o.dryRun ? null : (resumable?.header.run_id ?? newRunId());
    if (this.runId) this.lock?.setRunId(this.runId);
    const inherited = resumable ? this.inheritedFrom(resumable) : undefined;
    const holder = this.o.dryRun ? liveLockHolder({ stateDir: this.c.stateDir, tenant: this.tenant, integration: id }) : undefined;

    // 1. Context: the integration and its newest log entries.
    this.integration = await this.api.getIntegration(id);
    this.statusAfter = statusName(this.integration.status);
    const logs = await firstLogEntries(this.api, id, signal);

    if (holder) await this.emitInProgress(holder, resumable);

    // 3. Plan from every page of rejected events, several pages at once with --concurrency (listingParallelism).
    const concurrency = this.o.concurrency ?? resumable?.header.options.concurrency ?? 1;
    const ratePerSecond = this.o.ratePerSecond ?? resumable?.header.options.rate_per_second ?? undefined;
    const listingWidth = listingParallelism(concurrency, ratePerSecond);
    await this.emit({ type: 'reading' });
    let rejected: RejectedEvent[];
    try {
      rejected = await listAllRejected(this.api, id, { signal, parallel: listingWidth });
    } finally {
      await this.emit({ type: 'read' });
    }
    this.diagnosis = classifyStop(this.integration, logs, rejected.length);
    await this.emit({ type: 'diagnosis', diagnosis: this.diagnosis, integration: this.integration });

    // A temporary replay that finished its window has nothing left to deliver: it is never started again.
    this.startWanted = this.o.start && this.diagnosis.kind !== 'replay_finished';
    const nothingToDo = integrationIsRunning(this.integration) || this.diagnosis.kind === 'replay_finished';
    if (nothingToDo && rejected.length === 0 && !this.o.planIn) {
      if (resumable && !this.o.dryRun) {
        JournalWriter.reopen(resumable.path).close({ outcome: 'completed', resumable: false, exit_code: 0, message: 'nothing left: the integration runs and holds no rejected events' });
        await this.emit({ type: 'stale-run-closed', runId: resumable.header.run_id });
      }
      this.plan = buildRecoverPlan(this.integration, [], this.o.rules, { tenant: this.tenant });
      this.runId = null;
      const why = integrationIsRunning(this.integration) ? 'is running with no rejected events' : 'is a finished replay with no rejected events';
      return this.finish({ outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending: `${id} ${why}: nothing to do.` }, true);
    }

    if (resumable && !this.o.dryRun) this.refuseSilentCarryOver(resumable);
    const state = await this.planRun(rejected, resumable, inherited, holder);
    const onServer = rejected.length;
    // What a read after a send with an unknown outcome compares with (see apply's settle).
    this.attempts = attemptsOf(rejected);
    // The plan holds what apply needs; the full events (payloads) are let go before thousands of calls.
    rejected.length = 0;
    const todoSummary = summarizePlan(state.todo);
    const onError = this.o.onError ?? resumable?.header.options.on_error ?? 'stop';
    const source: PlanSource = resumable
      ? { kind: 'resume', runId: resumable.header.run_id }
      : this.o.planIn
        ? { kind: 'plan-in', path: this.o.planIn.path, createdAt: this.o.planIn.plan.created_at }
        : { kind: 'new' };
    const calls = todoSummary.retry + todoSummary.drop;
    // The estimate comes from measured retry and delete calls (earlier runs' journals), never from reads:
    // a retry waits for the receiver, which a listing never does. Nothing measured: no number.
    const measured = measuredCallTimes(this.c.stateDir, this.tenant, id);
    const perCall =
      (todoSummary.retry && measured.retryMs === undefined) || (todoSummary.drop && measured.dropMs === undefined) || calls === 0
        ? undefined
        : (todoSummary.retry * (measured.retryMs ?? 0) + todoSummary.drop * (measured.dropMs ?? 0)) / calls;
    const willStart = this.startWanted && !integrationIsRunning(this.integration);
    const changes = calls > 0 || willStart;
    await this.emit({
      type: 'plan',
      plan: this.plan!,
      source,
      todo: todoSummary,
      estimateMs: perCall === undefined ? undefined : estimateDurationMs(state.todo, { msPerCall: perCall, concurrency, ratePerSecond }),
      estimateSamples: measured.samples,
      concurrency,
      start: this.startWanted,
      asking: changes && !this.o.yes && !this.o.dryRun,
    });

    if (this.o.dryRun) {
      this.remaining = onServer;
      // What to type to do what was shown: resuming names the run (a plain re-run may refuse to inherit its rules).
      const apply = resumable
        ? nsxCommand('recover', id, '--resume', resumable.header.run_id, this.o.runFlags, this.o.sessionFlags, '--yes')
        : this.o.planIn
          ? nsxCommand('recover', id, '--plan-in', this.o.planIn.path, this.o.runFlags, this.o.sessionFlags, '--yes')
          : nsxCommand('recover', id, ruleWords(typedRules(this.o.rules)), this.o.runFlags, this.o.sessionFlags, '--yes');
      // While another command holds the lock, what is left depends on how it ends: look again then.
      const ending = holder
        ? `Dry run: nothing was changed. When the command in progress has ended, see what is left with: ${nsxCommand('recover', id, '--dry-run')}`
        : `Dry run: nothing was changed. To apply: ${apply}`;
      return this.finish({ outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending }, true);
    }

    // 4. Confirm.
    if (changes) {
      const asked = performance.now();
      await this.c.confirm({ retry: todoSummary.retry, drop: todoSummary.drop, willStart });
      this.promptMs += performance.now() - asked; // the run's duration is nsx's time, not the person's
    }

    // 6. Journal (new run, or appended to the resumed one).
    if (supersede) {
      JournalWriter.reopen(supersede.path).close({ outcome: 'superseded', resumable: false, exit_code: 0, message: `superseded by run ${this.runId}` });
      await this.emit({ type: 'superseded', runId: supersede.header.run_id });
    }
    if (resumable) {
      this.journal = JournalWriter.reopen(resumable.path);
      this.journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'resume', detail: { pid: process.pid, user: this.actor, todo: state.todo.length } }, true);
    } else {
      this.journal = JournalWriter.create(
        this.c.stateDir,
        {
          run_id: this.runId!,
          tenant: this.tenant,
          integration: id,
          started_at: this.c.startedAt.toISOString(),
          plan_summary: (({ total, retry, drop, skip, by_event }) => ({ total, retry, drop, skip, by_event }))(summarizePlan(this.plan!.events)),
          options: { concurrency, on_error: onError, rate_per_second: ratePerSecond ?? null, source: this.o.planIn ? 'plan-in' : 'recover' },
        },
        this.plan!,
      );
    }
    try {
      return await this.applyAndFinish(state, { concurrency, ratePerSecond, onError });
    } catch (error) {
      if (signal.aborted && !(error instanceof NsxError)) {
        throw new InterruptedError('interrupted', { hint: `the journal is complete (${this.journal?.path}); resume with: ${this.resumeCommand()}` });
      }
      if (error instanceof DiskFullError) {
        throw new DiskFullError(error.path, error.code, { hint: `free some space, then resume with: ${this.resumeCommand()}`, cause: error });
      }
      throw error;
    } finally {
      // Still open here: Ctrl-C cut a read short, or an unexpected error (authentication, an answer nsx
      // cannot read) ended the run. Either way it can be resumed.
      this.journal?.close(
        signal.aborted
          ? { outcome: 'interrupted', resumable: true, exit_code: ExitCode.interrupted }
          : { outcome: 'error', resumable: true, exit_code: ExitCode.error, message: 'ended by an unexpected error' },
      );
    }
  }

  /** What the resumed run carries over that this command did not type. */
  private inheritedFrom(run: RunListing): InheritedSettings {
    const plan = readRunPlan(run.header);
    const o = run.header.options;
    const rules: InheritedSettings['rules'] = [
      ...plan.rules.drop.map((expression) => ({ flag: '--drop' as const, expression })),
      ...plan.rules.skip.map((expression) => ({ flag: '--skip' as const, expression })),
      ...plan.rules.only.map((expression) => ({ flag: '--only' as const, expression })),
    ];
    const options = optionWords({
      on_error: this.o.onError === undefined ? o.on_error : 'stop',
      concurrency: this.o.concurrency === undefined ? o.concurrency : 1,
      rate_per_second: this.o.ratePerSecond === undefined ? o.rate_per_second : null,
    });
    return { rules, options };
  }

  /**
   * A plain re-run with --yes and nobody to ask must not carry an earlier run's rules (a --drop above all)
   * or options over silently: when this command's flags differ from the run's, it names the run to resume
   * as it is, or --no-resume to plan anew with these flags (exit 7). --resume RUN-ID is that choice made.
   */
  private refuseSilentCarryOver(run: RunListing): void {
    if (typeof this.o.resume === 'string' || !this.o.yes || this.c.interactive) return;
    const plan = readRunPlan(run.header);
    const runFlags = [...ruleWords(plan.rules), ...optionWords(run.header.options).flatMap((w) => [w.flag, w.value])];
    const given = [
      ...ruleWords(typedRules(this.o.rules)),
      ...optionWords({ on_error: this.o.onError ?? 'stop', concurrency: this.o.concurrency ?? 1, rate_per_second: this.o.ratePerSecond ?? null }).flatMap((w) => [w.flag, w.value]),
    ];
    if (runFlags.join('\0') === given.join('\0')) return;
    const { id } = this.o;
    const h = run.header;
    const how = run.end ? run.end.outcome.replace(/_/g, ' ') : 'ended without a trace';
    const said = (words: string[]) => (words.length ? words.join(' ') : 'no rules or options');
    throw new PreconditionError(
      `an unfinished run of ${id} would be resumed with flags this command does not give: run ${h.run_id} (${how}) has ${said(runFlags)}; this command gives ${said(given)}`,
      {
        hint: `resume it as it is: ${nsxCommand('recover', id, '--resume', h.run_id, this.o.sessionFlags, '--yes')}; or plan anew with this command's flags: ${nsxCommand('recover', id, '--no-resume', ruleWords(typedRules(this.o.rules)), this.o.runFlags, this.o.sessionFlags, '--yes')}`,
      },
    );
  }

  /** A dry run found the lock held: say by whom, and how far its run has come. */
  private async emitInProgress(holder: LockHolder, resumable: RunListing | undefined): Promise<void> {
    const run = resumable && holder.run_id === resumable.header.run_id ? readJournal(resumable.path) : undefined;
    let done: number | undefined;
    let total: number | undefined;
    if (run) {
      done = [...run.outcomes.values()].filter((r) => r.outcome !== 'interrupted').length;
      total = run.header.plan_summary.total;
    }
    await this.emit({ type: 'in-progress', holder, runId: holder.run_id, done, total });
  }

  private resumableRun(): RunListing | undefined {
    const { id } = this.o;
    if (typeof this.o.resume === 'string') {
      const run = findRun(this.c.stateDir, this.o.resume, this.tenant, id);
      if (!run.resumable) {
        throw new PreconditionError(`run ${this.o.resume} already ended (${run.end?.outcome ?? 'unknown'}): there is nothing to resume`, {
          hint: `plan anew with: ${nsxCommand('recover', id, '--dry-run')}`,
        });
      }
      return run;
    }
    // New rules or a saved plan mean a new plan; an in-process sandbox is fresh each time, so its old runs are moot.
    if (hasRules(this.o.rules) || this.o.planIn || this.c.sandbox) return undefined;
    return findResumableRun(this.c.stateDir, this.tenant, id);
  }

  private unfinishedToSupersede(): RunListing | undefined {
    if (this.c.sandbox) return undefined;
    return findResumableRun(this.c.stateDir, this.tenant, this.o.id);
  }

  /** Sets this.plan and says what this session will do. */
  private async planRun(rejected: RejectedEvent[], resumable: RunListing | undefined, inherited: InheritedSettings | undefined, holder: LockHolder | undefined): Promise<ResumeState> {
    const { id } = this.o;
    if (resumable) {
      const contents = readJournal(resumable.path);
      this.plan = readRunPlan(contents.header);
      this.outcomes = new Map(contents.outcomes);
      const state = resumeState(this.plan, contents.outcomes, rejected);
      await this.emit({
        type: 'resuming',
        dryRun: this.o.dryRun,
        journal: contents,
        finished: state.finished,
        total: this.plan.events.length,
        inherited: inherited ?? { rules: [], options: [] },
        inProgress: holder?.run_id === contents.header.run_id,
      });
      await this.emit({ type: 'plan-drift', which: 'resumed', gone: state.goneMeanwhile.length, unmentioned: state.unmentioned.length });
      return state;
    }
    if (this.o.planIn) {
      this.plan = this.o.planIn.plan;
      const state = resumeState(this.plan, new Map(), rejected);
      if (state.unmentioned.length) {
        throw new PreconditionError(
          `the server holds ${state.unmentioned.length} rejected event(s) of ${id} that ${this.o.planIn.path} does not mention; nothing was changed:\n${listEvents(state.unmentioned)}`,
          { hint: `make a new plan: ${nsxCommand('recover', id, '--dry-run', '--plan-out', this.o.planIn.path)}` },
        );
      }
      await this.emit({ type: 'plan-drift', which: 'saved', gone: state.goneMeanwhile.length, unmentioned: state.unmentioned.length });
      return state;
    }
    this.plan = buildRecoverPlan(this.integration, rejected, this.o.rules, { tenant: this.tenant });
    return { todo: this.plan.events, goneMeanwhile: [], unmentioned: [], finished: 0 };
  }

  private resumeCommand(): string {
    return nsxCommand('recover', this.o.id, '--resume', this.runId, this.o.sessionFlags, this.o.yes && '--yes');
  }

  /** The rules of the plan being applied (typed now, or the resumed run's), as command words. */
  planRuleWords(): string[] {
    return this.plan ? ruleWords(this.plan.rules) : ruleWords(typedRules(this.o.rules));
  }

  private record(rec: EventRecord): void {
    this.outcomes.set(rec.event_id, rec);
  }

  private async applyAndFinish(state: ResumeState, pace: { concurrency: number; ratePerSecond: number | undefined; onError: OnError }): Promise<RecoverResult> {
    const { id } = this.o;
    const { signal } = this.c;
    const journal = this.journal!;
    const goneRecords: EventRecord[] = [];
    for (const event of state.goneMeanwhile) {
      const rec: EventRecord = {
        type: 'event',
        at: new Date().toISOString(),
        user: this.actor,
        tenant: this.tenant,
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
      this.record(rec);
      goneRecords.push(rec);
    }

    // 5. Apply in plan order.
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'apply', detail: { events: state.todo.length, ...pace, rate_per_second: pace.ratePerSecond ?? null } });
    await this.emit({ type: 'applying' });
    const applyStarted = performance.now();
    const result = await applyPlan(this.api, id, state.todo, {
      tenant: this.tenant,
      actor: this.actor,
      concurrency: pace.concurrency,
      ratePerSecond: pace.ratePerSecond,
      onError: pace.onError,
      attempts: this.attempts,
      signal,
      journal,
      hooks: {
        onEvent: (record, progress) => {
          this.record(record);
          void this.emit({ type: 'event', record, progress });
        },
        onSlowDown: (ratePerSecond) => void this.emit({ type: 'slow-down', ratePerSecond }),
      },
    }).finally(() => this.emit({ type: 'apply-ended' }));
    for (const rec of result.records) this.record(rec);
    const failures = notDelivered(this.outcomes);
    if (!result.interrupted && !result.stoppedBy) await this.emit({ type: 'applied', records: [...goneRecords, ...result.records], ms: performance.now() - applyStarted });

    if (result.interrupted) {
      this.remaining = result.notAttempted.length + failures.length;
      const handled = result.records.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'interrupted').length;
      await this.emit({ type: 'apply-interrupted', handled, notAttempted: result.notAttempted.length, journal: journal.path, resumeCommand: this.resumeCommand() });
      return this.finish({ outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted; not started.', error: new InterruptedError('interrupted', { hint: `resume with: ${this.resumeCommand()}` }) });
    }
    if (result.stoppedBy) {
      const f = result.stoppedBy;
      this.remaining = result.notAttempted.length + failures.length;
      await this.emit({
        type: 'apply-stopped',
        failure: f,
        notAttempted: result.notAttempted.length,
        resumeCommand: this.resumeCommand(),
        dropCommand: nsxCommand('recover', id, this.planRuleWords(), '--drop', dropRuleForEvent(f.event_name), this.o.runFlags, this.o.sessionFlags, '--yes'),
      });
      return this.finish({
        outcome: 'stopped_on_error',
        resumable: true,
        exitCode: ExitCode.partial,
        ending: `Stopped at ${f.event_name} ${f.event_id} (not delivered); not started.`,
        error: new PartialFailureError(`${f.event_name} ${f.event_id} was not delivered; stopped (--on-error stop)`, { hint: `resume with: ${this.resumeCommand()}` }),
      });
    }

    // 7. Gate: the server's own word that nothing (or little enough) remains.
    await this.emit({ type: 'gate-checking' });
    const g = await gate(this.api, id, { signal, parallel: listingParallelism(pace.concurrency, pace.ratePerSecond) });
    if (signal.aborted) return this.interruptedAfterApply();
    await this.emit({ type: 'gate', remaining: g.remaining.length, stable: g.stable });
    this.remaining = g.remaining.length;
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'gate', detail: { remaining: g.remaining.length, stable: g.stable, listings: g.listings } });
    const failedNote = failures.length ? `${failures.length} event(s) were not delivered (see the journal); ` : '';
    if (!g.stable) {
      return this.finish({
        outcome: 'gate_refused',
        resumable: false,
        exitCode: ExitCode.precondition,
        ending: 'Not started: the rejected events kept changing.',
        error: new PreconditionError(`the rejected events of ${id} kept changing over ${g.listings} listings; not starting it`, {
          hint: `is another tool retrying them, or is the integration running? Look with: ${nsxCommand('rejected', 'list', id)}`,
        }),
      });
    }
    if (g.remaining.length > this.o.allowRemaining) {
      await this.emit({ type: 'remaining', events: g.remaining });
      const partial = failures.length > 0;
      return this.finish({
        outcome: partial ? 'failed' : 'gate_refused',
        resumable: false,
        exitCode: partial ? ExitCode.partial : ExitCode.precondition,
        ending: `Not started: ${g.remaining.length} rejected event(s) remain.`,
        error: new (partial ? PartialFailureError : PreconditionError)(`${failedNote}${g.remaining.length} rejected event(s) remain; ${id} was not started`, {
          hint: `start anyway with --allow-remaining ${g.remaining.length}, or handle them: ${nsxCommand('rejected', 'triage', id)}`,
        }),
      });
    }
    const partialError = failures.length
      ? new PartialFailureError(`${failures.length} event(s) were not delivered (--on-error skip); they remain rejected`, { hint: `see them with: ${nsxCommand('rejected', 'list', id)}` })
      : undefined;
    if (!this.startWanted) {
      return this.finish({
        outcome: 'not_started',
        resumable: false,
        exitCode: partialError ? ExitCode.partial : ExitCode.ok,
        ending: this.o.start
          ? 'Not started: a finished replay is not started again.'
          : `Not started (--no-start); start it with: ${nsxCommand('integrations', 'start', id)}`,
        ...(partialError ? { error: partialError } : {}),
      });
    }

    // 8. Start and watch.
    const current = await this.api.getIntegration(id);
    const startMs = Date.now();
    if (!integrationIsRunning(current)) {
      await this.api.startIntegration(id);
      this.started = true;
    }
    await this.emit({ type: 'started', started: this.started });
    this.statusAfter = 'running';
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'start', detail: { started: this.started, was: current.status } });
    await this.emit({ type: 'watching' });
    const watch: WatchResult = await watchIntegration(this.api, id, {
      durationMs: this.o.watchMs,
      sinceMs: startMs,
      knownRejected: g.remaining.map((e) => e.id),
      signal,
      onTick: (ms) => void this.emit({ type: 'watch-tick', ms }),
    });
    await this.emit({ type: 'watched', result: watch });
    this.statusAfter = watch.status;
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'verify', detail: { status: watch.status, new_rejections: watch.newRejections.length, problems: watch.problems.length, watched_ms: watch.watchedMs } });
    if (signal.aborted) return this.interruptedAfterApply();
    if (watch.stopped || watch.newRejections.length > 0) {
      this.remaining = g.remaining.length + watch.newRejections.length;
      const reason = watch.stopped
        ? `${id} stopped again ${formatDuration(watch.watchedMs)} after the start${watch.stopEntry ? `: ${watch.stopEntry.message}` : ''}`
        : `${watch.newRejections.length} new rejected event(s) appeared while watching ${id}`;
      if (watch.newRejections.length) await this.emit({ type: 'new-rejections', events: watch.newRejections });
      return this.finish({
        outcome: 'verify_failed',
        resumable: false,
        exitCode: ExitCode.partial,
        ending: `${this.started ? 'Started, but' : 'Running, but'} ${reason}.`,
        error: new PartialFailureError(reason, { hint: `look at the log (${nsxCommand('logs', 'list', id, '--since', '10m')}) and recover again: ${nsxCommand('recover', id, '--dry-run')}` }),
      });
    }
    const calm = watch.problems.length ? ` (${watch.problems.length} warning(s) in its log: ${nsxCommand('logs', 'list', id)})` : ' with no new rejections';
    const subject = this.started ? `Started ${id}; it` : `${id} was already running; it`;
    return this.finish({
      outcome: 'completed',
      resumable: false,
      exitCode: partialError ? ExitCode.partial : ExitCode.ok,
      ending: this.o.watchMs > 0 ? `${subject} stayed running for ${formatDuration(watch.watchedMs)}${calm}.` : `${subject} is running (not watched: --watch 0).`,
      ...(partialError ? { error: partialError } : {}),
    });
  }

  private async interruptedAfterApply(): Promise<RecoverResult> {
    await this.emit({ type: 'interrupted', journal: this.journal?.path, resumeCommand: this.resumeCommand() });
    return this.finish({ outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted after the events were handled.', error: new InterruptedError() });
  }

  /** 9. The report's data; closes the journal and releases the lock. */
  private finish(end: RecoverEnding, nothingApplied = false): RecoverResult {
    const plan = this.plan!;
    const whole = summarizePlan(plan.events);
    const report: RecoverReport = {
      run_id: this.runId,
      tenant: this.tenant,
      integration: this.o.id,
      dry_run: this.o.dryRun,
      plan: { total: whole.total, retry: whole.retry, drop: whole.drop, skip: whole.skip, by_event: whole.by_event },
      results: tallyResults(this.outcomes, this.remaining),
      started: this.started,
      status_after: this.statusAfter,
      duration_ms: Math.round(performance.now() - this.c.t0 - this.promptMs),
      journal: this.journal?.path ?? null,
    };
    if (this.journal) {
      this.journal.close({ outcome: end.outcome, resumable: end.resumable, exit_code: end.exitCode, ...(end.error ? { message: end.error.message } : {}), results: report.results });
    }
    this.lock?.release();
    return { report, end, nothingApplied, plan, diagnosis: this.diagnosis, outcomes: this.outcomes, failures: notDelivered(this.outcomes), actor: this.actor };
  }
}
