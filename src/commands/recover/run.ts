// nsx recover <id>: context -> lock -> plan -> confirm -> apply (journaled) -> gate -> start -> watch -> report.
// The steps' logic lives in src/workflows/recover/; this handler parses the flags, talks to the person and
// decides the exit code.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { dirname, resolve } from 'node:path';
import type { EventStreamApi } from '../../api/eventstream.js';
import type { Integration, LogEntry, RejectedEvent } from '../../api/schemas.js';
import { stateDir } from '../../config/paths.js';
import {
  ApiError,
  ExitCode,
  InterruptedError,
  NotFoundError,
  NsxError,
  PartialFailureError,
  PreconditionError,
  UsageError,
  type ExitCodeValue,
} from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import { confirm } from '../../output/prompts.js';
import { writePrivateFileStreaming } from '../../output/private-file.js';
import { applyPlan, type OnError } from '../../workflows/recover/apply.js';
import {
  findResumableRun,
  findRun,
  JournalWriter,
  newRunId,
  readJournal,
  readRunPlan,
  RUN_ID_PATTERN,
  type EndOutcome,
  type EventRecord,
  type RunListing,
} from '../../workflows/recover/journal.js';
import { acquireLock, currentUser, type HeldLock } from '../../workflows/recover/lock.js';
import {
  buildRecoverPlan,
  dropRuleForEvent,
  estimateDurationMs,
  hasRules,
  parsePlan,
  parseRecoverRules,
  serializePlan,
  shellQuote,
  summarizePlan,
  type RecoverPlan,
  type RecoverRules,
} from '../../workflows/recover/plan.js';
import { outcomesByEventName, resumeState, tallyResults, type ResumeState } from '../../workflows/recover/session.js';
import { answerText } from '../../workflows/recover/signature.js';
import { classifyStop, quoteEntry, type StopDiagnosis } from '../../workflows/recover/stop-reason.js';
import { gate, listAllRejected, watchIntegration, type WatchResult } from '../../workflows/recover/verify.js';
import type { ChalkInstance } from 'chalk';
import type { Output } from '../../output/output.js';
import type { CommandContext } from '../context.js';
import { createApplyDisplay, type ProgressMode } from './progress.js';
import { commandPrefix, describeEvent, renderMarkdownReport, renderPlan, renderSummary, type RecoverReport } from './render.js';

export interface RecoverFlags {
  drop?: string[];
  skip?: string[];
  only?: string[];
  dryRun?: boolean;
  planOut?: string;
  planIn?: string;
  /** A run id with --resume, false with --no-resume. */
  resume?: string | boolean;
  yes?: boolean;
  onError?: string;
  concurrency?: string;
  rate?: string;
  allowRemaining?: string;
  /** false with --no-start */
  start?: boolean;
  watch?: string;
  progress?: string;
  report?: string;
}

interface RecoverOptions {
  id: string;
  rules: RecoverRules;
  planIn: { plan: RecoverPlan; path: string } | undefined;
  dryRun: boolean;
  planOut: string | undefined;
  resume: string | false | undefined;
  yes: boolean;
  onError: OnError | undefined;
  concurrency: number | undefined;
  ratePerSecond: number | undefined;
  allowRemaining: number;
  start: boolean;
  watchMs: number;
  progress: ProgressMode;
  report: string | undefined;
}

const MAX_CONCURRENCY = 64;
const LOG_ENTRIES_READ = 20;

function positiveInt(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag}: "${text}" must be a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

/** "20/s", "20", "0.5/s" -> calls per second. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--rate: "${text}" is not a rate (examples: 20/s, 0.5/s)`);
  return Number(m[1]);
}

function writableDir(file: string, flag: string): string {
  const path = resolve(file);
  try {
    if (!statSync(dirname(path)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`${flag}: the folder of ${file} does not exist`);
  }
  return path;
}

/** Every flag checked before any request is sent (exit 2). */
export function parseRecoverFlags(rawId: unknown, flags: RecoverFlags): RecoverOptions {
  const id = parseIntegrationId(rawId);
  const rules = parseRecoverRules({ drop: flags.drop ?? [], skip: flags.skip ?? [], only: flags.only ?? [] });
  const resume = typeof flags.resume === 'string' ? flags.resume : flags.resume === false ? false : undefined;
  if (typeof resume === 'string' && !RUN_ID_PATTERN.test(resume)) {
    throw new UsageError(`--resume: "${resume}" is not a run id (like 20261120T081502Z-3f9a; the journal folder lists them)`);
  }
  if (flags.planIn && hasRules(rules)) throw new UsageError('--plan-in applies a saved plan as it is: --drop, --skip and --only cannot change it');
  if (typeof resume === 'string' && (hasRules(rules) || flags.planIn)) {
    throw new UsageError('--resume continues a run with its own plan: --drop, --skip, --only and --plan-in cannot change it');
  }
  if (flags.planIn && flags.planOut) throw new UsageError('--plan-in and --plan-out together make no sense: the plan is already in a file');
  let planIn: RecoverOptions['planIn'];
  if (flags.planIn) {
    let text: string;
    try {
      text = readFileSync(flags.planIn, 'utf8');
    } catch (error) {
      throw new UsageError(`--plan-in: cannot read ${flags.planIn}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const plan = parsePlan(text, flags.planIn);
    if (plan.integration !== id) throw new UsageError(`--plan-in: ${flags.planIn} is a plan for ${plan.integration}, not ${id}`);
    planIn = { plan, path: flags.planIn };
  }
  return {
    id,
    rules,
    planIn,
    dryRun: Boolean(flags.dryRun),
    planOut: flags.planOut ? writableDir(flags.planOut, '--plan-out') : undefined,
    resume,
    yes: Boolean(flags.yes),
    onError: flags.onError === undefined ? undefined : (flags.onError as OnError),
    concurrency: flags.concurrency === undefined ? undefined : positiveInt(flags.concurrency, '--concurrency', 1, MAX_CONCURRENCY),
    ratePerSecond: flags.rate === undefined ? undefined : parseRate(flags.rate),
    allowRemaining: flags.allowRemaining === undefined ? 0 : positiveInt(flags.allowRemaining, '--allow-remaining', 0, 1_000_000),
    start: flags.start !== false,
    watchMs: flags.watch === undefined ? 10_000 : parseDuration(flags.watch, '--watch'),
    progress: (flags.progress as ProgressMode | undefined) ?? 'auto',
    report: flags.report ? writableDir(flags.report, '--report') : undefined,
  };
}

/** Plans and reports name customer events: owner-only, written atomically, replacing an older one. */
function writeFileAtomic(path: string, text: string): Promise<void> {
  return writePrivateFileStreaming(path, (write) => write(text), { overwrite: true });
}

async function firstLogEntries(api: EventStreamApi, id: string, signal: AbortSignal): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of api.logs(id, { pageSize: LOG_ENTRIES_READ, signal })) {
    entries.push(entry);
    if (entries.length >= LOG_ENTRIES_READ) break;
  }
  return entries;
}

function listEvents(events: readonly RejectedEvent[], max = 10): string {
  const lines = events.slice(0, max).map((e) => `  ${e.event.name} ${e.id} (rejected ${e.rejected_at}${e.response?.status_code ? `, HTTP ${e.response.status_code}` : ''})`);
  if (events.length > max) lines.push(`  … and ${events.length - max} more (nsx rejected list shows them all)`);
  return lines.join('\n');
}

interface Ending {
  outcome: EndOutcome;
  resumable: boolean;
  exitCode: ExitCodeValue;
  /** One line for the summary and the report: how the run ended. */
  ending: string;
  error?: NsxError;
}

export async function run(ctx: CommandContext, args: unknown[], flags: RecoverFlags): Promise<void> {
  const options = parseRecoverFlags(args[0], flags);
  // Thousands of small calls make V8 grow its young generation to ~3 x 16 MB of short-lived garbage;
  // keeping it at its first size holds peak RSS near 120 MB instead of 140 MB over 2,000 events
  // (bench/recover.mjs), at no measurable cost in time. The flag is read on every scavenge, so it works
  // when set at run time (--max-semi-space-size would not).
  setFlagsFromString('--semi-space-growth-factor=1');
  ctx.handleInterrupts();
  await ctx.announce();
  try {
    await new RecoverRun(ctx, options).run();
  } catch (error) {
    if (ctx.signal.aborted && !(error instanceof NsxError)) throw new InterruptedError('interrupted; nothing more was sent');
    throw error;
  }
}

class RecoverRun {
  private readonly out: Output;
  private readonly s: ChalkInstance;
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private readonly dir = stateDir();
  private readonly actor = `${currentUser()}@${hostname()}`;
  private readonly prefix: string;
  private tenant = '';
  private api!: EventStreamApi;
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

  constructor(
    private readonly ctx: CommandContext,
    private readonly o: RecoverOptions,
  ) {
    this.out = ctx.output;
    this.s = ctx.output.errStyle;
    this.prefix = commandPrefix(ctx.globals);
  }

  private cmd(rest: string): string {
    return `${this.prefix} ${rest}`;
  }

  async run(): Promise<void> {
    const settings = await this.ctx.settings();
    this.tenant = settings.tenant ?? (settings.baseUrl ? new URL(settings.baseUrl).host : 'default');
    if (this.o.planIn && this.o.planIn.plan.tenant !== this.tenant) {
      throw new UsageError(`--plan-in: ${this.o.planIn.path} is a plan for tenant ${this.o.planIn.plan.tenant}, not ${this.tenant}`);
    }
    this.api = (await this.ctx.client()).eventstream;
    const { id } = this.o;

    // 1. Context: the integration and its newest log entries.
    try {
      this.integration = await this.api.getIntegration(id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new NotFoundError(`no integration ${id} in tenant ${this.tenant}`, { hint: `list them with: ${this.cmd('integrations list')}` });
      }
      throw error;
    }
    this.statusAfter = this.integration.status;
    const tLogs = performance.now();
    const logs = await firstLogEntries(this.api, id, this.ctx.signal);
    // One warm, small read: the round trip the estimate builds on (the first call paid for token and connection).
    const roundTripMs = performance.now() - tLogs;

    // Which run: continue an unfinished one, apply a saved plan, or plan anew. A dry run shows what a
    // plain re-run would do, so it looks for an unfinished run too (and only reads it).
    const resumable = this.o.resume === false ? undefined : this.resumableRun();
    const supersede = !resumable && !this.o.dryRun && typeof this.o.resume !== 'string' ? this.unfinishedToSupersede() : undefined;
    this.runId = this.o.dryRun ? null : (resumable?.header.run_id ?? newRunId());

    // 2. Lock (a dry run changes nothing and takes none: it may watch a recover in progress).
    if (this.runId) {
      this.lock = acquireLock({ stateDir: this.dir, tenant: this.tenant, integration: id, runId: this.runId });
      this.ctx.defer(() => this.lock?.release());
      const old = this.lock.tookOver;
      if (old) this.out.warn(`took over a stale lock: pid ${old.pid} on ${old.host} (run ${old.run_id}, since ${old.started_at}) is gone`);
    }

    // 3. Plan from every page of rejected events.
    const t = performance.now();
    const spinner = await this.out.spinner(`reading the rejected events of ${id}`);
    let rejected: RejectedEvent[];
    try {
      rejected = await listAllRejected(this.api, id, this.ctx.signal);
    } finally {
      spinner.stop();
    }
    const msPerCall = Math.min(roundTripMs, (performance.now() - t) / (Math.floor(rejected.length / 200) + 1));
    this.diagnosis = classifyStop(this.integration, logs, rejected.length);
    this.out.info(this.diagnosis.summary);
    if (this.diagnosis.entry && this.integration.status !== 'running') this.out.info(this.s.dim(`  ${quoteEntry(this.diagnosis.entry)}`));

    // A temporary replay that finished its window has nothing left to deliver: it is never started again.
    this.startWanted = this.o.start && this.diagnosis.kind !== 'replay_finished';
    const nothingToDo = this.integration.status === 'running' || this.diagnosis.kind === 'replay_finished';
    if (nothingToDo && rejected.length === 0 && !this.o.planIn) {
      if (resumable && !this.o.dryRun) {
        JournalWriter.reopen(resumable.path).close({ outcome: 'completed', resumable: false, exit_code: 0, message: 'nothing left: the integration runs and holds no rejected events' });
        this.out.info(this.s.dim(`run ${resumable.header.run_id} ended without a trace; nothing is left of it (marked completed)`));
      }
      this.plan = buildRecoverPlan(this.integration, [], this.o.rules, { tenant: this.tenant });
      this.runId = null;
      const why = this.integration.status === 'running' ? 'is running with no rejected events' : 'is a finished replay with no rejected events';
      return this.report({ outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending: `${id} ${why}: nothing to do.` }, true);
    }

    const state = this.planRun(rejected, resumable);
    const onServer = rejected.length;
    // The plan holds what apply needs; the full events (payloads) are let go before thousands of calls.
    rejected.length = 0;
    const todoSummary = summarizePlan(state.todo);
    const concurrency = this.o.concurrency ?? resumable?.header.options.concurrency ?? 1;
    const ratePerSecond = this.o.ratePerSecond ?? resumable?.header.options.rate_per_second ?? undefined;
    const onError = this.o.onError ?? resumable?.header.options.on_error ?? 'stop';
    const heading = resumable
      ? `What is left of run ${resumable.header.run_id}:`
      : this.o.planIn
        ? `Plan from ${this.o.planIn.path} (made ${this.o.planIn.plan.created_at}):`
        : `Plan for ${id}:`;
    const calls = todoSummary.retry + todoSummary.drop;
    const willStart = this.startWanted && this.integration.status !== 'running';
    const changes = calls > 0 || willStart;
    const planText = renderPlan(this.s, todoSummary, {
      integration: id,
      estimateMs: estimateDurationMs(state.todo, { msPerCall, concurrency, ratePerSecond }),
      concurrency,
      start: this.startWanted,
      watchMs: this.o.watchMs,
      heading,
    });
    const asking = changes && !this.o.yes && !this.o.dryRun;
    if (asking) this.out.notice(planText);
    else this.out.info(planText);

    if (this.o.planOut) {
      await writeFileAtomic(this.o.planOut, serializePlan(this.plan!));
      this.out.success(`plan saved to ${this.o.planOut}; apply exactly this plan with: ${this.cmd(`recover ${id} --plan-in ${shellQuote(this.o.planOut)} --yes`)}`);
    }
    if (this.o.dryRun) {
      this.remaining = onServer;
      const rules = this.ruleFlags();
      return this.report(
        { outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending: `Dry run: nothing was changed. To apply: ${this.cmd(`recover ${id}${rules} --yes`)}` },
        true,
      );
    }

    // 4. Confirm.
    if (changes) {
      const what = [todoSummary.retry ? `retry ${todoSummary.retry}` : '', todoSummary.drop ? `delete ${todoSummary.drop}` : ''].filter(Boolean).join(' and ');
      const question = calls > 0 ? `${what[0]!.toUpperCase()}${what.slice(1)} rejected events of ${id}${willStart ? ', then start it' : ''}?` : `Start ${id}?`;
      await confirm(this.out, question, { yes: this.o.yes });
    }

    // 6. Journal (new run, or appended to the resumed one).
    if (supersede) {
      JournalWriter.reopen(supersede.path).close({ outcome: 'superseded', resumable: false, exit_code: 0, message: `superseded by run ${this.runId}` });
      this.out.info(this.s.dim(`run ${supersede.header.run_id} was left unfinished; this new plan replaces it`));
    }
    if (resumable) {
      this.journal = JournalWriter.reopen(resumable.path);
      this.journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'resume', detail: { pid: process.pid, user: this.actor, todo: state.todo.length } }, true);
    } else {
      this.journal = JournalWriter.create(
        this.dir,
        {
          run_id: this.runId!,
          tenant: this.tenant,
          integration: id,
          started_at: this.startedAt.toISOString(),
          user: currentUser(),
          host: hostname(),
          pid: process.pid,
          plan_summary: (({ total, retry, drop, skip, by_event }) => ({ total, retry, drop, skip, by_event }))(summarizePlan(this.plan!.events)),
          options: { concurrency, on_error: onError, rate_per_second: ratePerSecond ?? null, source: this.o.planIn ? 'plan-in' : 'recover' },
        },
        this.plan!,
      );
    }
    try {
      await this.applyAndFinish(state, { concurrency, ratePerSecond, onError });
    } catch (error) {
      if (this.ctx.signal.aborted && !(error instanceof NsxError)) {
        throw new InterruptedError('interrupted', { hint: `the journal is complete (${this.journal?.path}); resume with: ${this.resumeCommand()}` });
      }
      throw error;
    } finally {
      // Still open here: Ctrl-C cut a read short, or an unexpected error (authentication, an answer nsx
      // cannot read) ended the run. Either way it can be resumed.
      this.journal?.close(
        this.ctx.signal.aborted
          ? { outcome: 'interrupted', resumable: true, exit_code: ExitCode.interrupted }
          : { outcome: 'error', resumable: true, exit_code: ExitCode.error, message: 'ended by an unexpected error' },
      );
    }
  }

  private resumableRun(): RunListing | undefined {
    const { id } = this.o;
    if (typeof this.o.resume === 'string') {
      const run = findRun(this.dir, this.o.resume, this.tenant, id);
      if (!run.resumable) {
        throw new PreconditionError(`run ${this.o.resume} already ended (${run.end?.outcome ?? 'unknown'}): there is nothing to resume`, {
          hint: `plan anew with: ${this.cmd(`recover ${id}`)}`,
        });
      }
      return run;
    }
    // New rules or a saved plan mean a new plan; an in-process sandbox is fresh each time, so its old runs are moot.
    if (hasRules(this.o.rules) || this.o.planIn || this.ctx.globals.sandbox) return undefined;
    return findResumableRun(this.dir, this.tenant, id);
  }

  private unfinishedToSupersede(): RunListing | undefined {
    if (this.ctx.globals.sandbox) return undefined;
    return findResumableRun(this.dir, this.tenant, this.o.id);
  }

  /** Sets this.plan and says what this session will do. */
  private planRun(rejected: RejectedEvent[], resumable: RunListing | undefined): ResumeState {
    const { id } = this.o;
    if (resumable) {
      const contents = readJournal(resumable.path);
      this.plan = readRunPlan(contents.header);
      this.outcomes = new Map(contents.outcomes);
      const state = resumeState(this.plan, contents.outcomes, rejected);
      const h = contents.header;
      this.out.info(
        `${this.o.dryRun ? 'A re-run would resume' : 'Resuming'} run ${h.run_id} (started ${h.started_at} by ${h.user}@${h.host}${contents.end ? `, ${contents.end.outcome.replace(/_/g, ' ')}` : ', ended without a trace: a crash?'}): ` +
          `${state.finished} of ${this.plan.events.length} events done.`,
      );
      if (contents.inFlight.length) {
        this.out.info(`  ${contents.inFlight.length} event(s) were in flight when it ended; those still rejected are sent again (delivery is at-least-once).`);
      }
      this.noteGoneAndUnmentioned(state, 'resumed');
      return state;
    }
    if (this.o.planIn) {
      this.plan = this.o.planIn.plan;
      const state = resumeState(this.plan, new Map(), rejected);
      if (state.unmentioned.length) {
        throw new PreconditionError(
          `the server holds ${state.unmentioned.length} rejected event(s) of ${id} that ${this.o.planIn.path} does not mention; nothing was changed:\n${listEvents(state.unmentioned)}`,
          { hint: `make a new plan: ${this.cmd(`recover ${id} --plan-out ${shellQuote(this.o.planIn.path)}`)}` },
        );
      }
      this.noteGoneAndUnmentioned(state, 'saved');
      return state;
    }
    this.plan = buildRecoverPlan(this.integration, rejected, this.o.rules, { tenant: this.tenant });
    return { todo: this.plan.events, goneMeanwhile: [], unmentioned: [], finished: 0 };
  }

  private noteGoneAndUnmentioned(state: ResumeState, which: string): void {
    if (state.goneMeanwhile.length) {
      this.out.info(`  ${state.goneMeanwhile.length} event(s) of the ${which} plan are no longer rejected on the server (handled meanwhile): recorded as gone.`);
    }
    if (state.unmentioned.length) {
      this.out.warn(
        `${state.unmentioned.length} rejected event(s) on the server are not in the ${which} plan (new since it was made): they are left alone, and ${this.o.id} will not be started while they remain. Run recover again afterwards to plan them.`,
      );
    }
  }

  private ruleFlags(): string {
    const r = this.o.rules;
    return [...r.drop.map((x) => ` --drop ${shellQuote(x.expression)}`), ...r.skip.map((x) => ` --skip ${shellQuote(x.expression)}`), ...r.only.map((x) => ` --only ${shellQuote(x.expression)}`)].join('');
  }

  private resumeCommand(): string {
    return this.cmd(`recover ${this.o.id} --resume ${this.runId}${this.o.yes ? ' --yes' : ''}`);
  }

  private record(rec: EventRecord): void {
    this.outcomes.set(rec.event_id, rec);
  }

  private async applyAndFinish(state: ResumeState, pace: { concurrency: number; ratePerSecond: number | undefined; onError: OnError }): Promise<void> {
    const { id } = this.o;
    const journal = this.journal!;
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
    }

    // 5. Apply in plan order.
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'apply', detail: { events: state.todo.length, ...pace, rate_per_second: pace.ratePerSecond ?? null } });
    const display = await createApplyDisplay(this.out, this.o.progress, `${id}:`);
    const applyStarted = performance.now();
    const result = await applyPlan(this.api, id, state.todo, {
      tenant: this.tenant,
      actor: this.actor,
      concurrency: pace.concurrency,
      ratePerSecond: pace.ratePerSecond,
      onError: pace.onError,
      signal: this.ctx.signal,
      journal,
      hooks: {
        onEvent: (rec, progress) => {
          this.record(rec);
          display.event(rec, progress);
        },
        onSlowDown: (rate) => display.slowDown(rate),
      },
    }).finally(() => display.stop());
    for (const rec of result.records) this.record(rec);
    const failures = [...this.outcomes.values()].filter((r) => r.outcome === 'rejected' || r.outcome === 'error');
    if (!result.interrupted && !result.stoppedBy) this.out.success(this.appliedLine(result.records, performance.now() - applyStarted));

    if (result.interrupted) {
      this.remaining = result.notAttempted.length + failures.length;
      const handled = result.records.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'interrupted').length;
      this.out.notice(`interrupted: ${handled} event(s) handled in this session, ${result.notAttempted.length} not started; the journal is complete (${journal.path})`);
      this.out.notice(`resume with: ${this.resumeCommand()}`);
      return this.report({ outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted; not started.', error: new InterruptedError('interrupted', { hint: `resume with: ${this.resumeCommand()}` }) });
    }
    if (result.stoppedBy) {
      const f = result.stoppedBy;
      this.remaining = result.notAttempted.length + failures.length;
      const answer = f.receiver_answer !== undefined ? `the receiver answered ${f.receiver_status ?? '?'}: ${f.receiver_answer}` : (f.error ?? 'no answer');
      this.out.notice(`${this.s.red('✗')} ${describeEvent(f)} was not delivered: ${answer}`);
      this.out.notice(`  ${result.notAttempted.length} later event(s) were not sent (--on-error stop); ${id} was not started.`);
      this.out.notice(`  fix the receiver, then resume: ${this.resumeCommand()}`);
      this.out.notice(`  or delete events of this type instead: ${this.cmd(`recover ${id} --drop ${shellQuote(dropRuleForEvent(f.event_name))}`)}`);
      this.out.notice(`  or look at them one group at a time: ${this.cmd(`rejected triage ${id}`)}`);
      return this.report({
        outcome: 'stopped_on_error',
        resumable: true,
        exitCode: ExitCode.partial,
        ending: `Stopped at ${f.event_name} ${f.event_id} (not delivered); not started.`,
        error: new PartialFailureError(`${f.event_name} ${f.event_id} was not delivered; stopped (--on-error stop)`, { hint: `resume with: ${this.resumeCommand()}` }),
      });
    }

    // 7. Gate: the server's own word that nothing (or little enough) remains.
    const gateSpinner = await this.out.spinner('checking that no rejected events remain');
    const g = await gate(this.api, id, { signal: this.ctx.signal }).catch((error: unknown) => {
      gateSpinner.stop();
      throw error;
    });
    if (this.ctx.signal.aborted) return this.interruptedAfterApply();
    gateSpinner.stop();
    if (g.stable && g.remaining.length === 0) this.out.success('no rejected events remain');
    else if (g.stable && g.remaining.length <= this.o.allowRemaining) this.out.success(`${g.remaining.length} rejected event(s) remain, allowed by --allow-remaining`);
    this.remaining = g.remaining.length;
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'gate', detail: { remaining: g.remaining.length, stable: g.stable, listings: g.listings } });
    const failedNote = failures.length ? `${failures.length} event(s) were not delivered (see the journal); ` : '';
    if (!g.stable) {
      return this.report({
        outcome: 'gate_refused',
        resumable: false,
        exitCode: ExitCode.precondition,
        ending: 'Not started: the rejected events kept changing.',
        error: new PreconditionError(`the rejected events of ${id} kept changing over ${g.listings} listings; not starting it`, {
          hint: `is another tool retrying them, or is the integration running? Look with: ${this.cmd(`rejected list ${id}`)}`,
        }),
      });
    }
    if (g.remaining.length > this.o.allowRemaining) {
      this.out.notice(`${g.remaining.length} rejected event(s) remain on the server:\n${listEvents(g.remaining)}`);
      const partial = failures.length > 0;
      return this.report({
        outcome: partial ? 'failed' : 'gate_refused',
        resumable: false,
        exitCode: partial ? ExitCode.partial : ExitCode.precondition,
        ending: `Not started: ${g.remaining.length} rejected event(s) remain.`,
        error: new (partial ? PartialFailureError : PreconditionError)(`${failedNote}${g.remaining.length} rejected event(s) remain; ${id} was not started`, {
          hint: `start anyway with --allow-remaining ${g.remaining.length}, or handle them: ${this.cmd(`rejected triage ${id}`)}`,
        }),
      });
    }
    const partialError = failures.length
      ? new PartialFailureError(`${failures.length} event(s) were not delivered (--on-error skip); they remain rejected`, { hint: `see them with: ${this.cmd(`rejected list ${id}`)}` })
      : undefined;
    if (!this.startWanted) {
      return this.report({
        outcome: 'not_started',
        resumable: false,
        exitCode: partialError ? ExitCode.partial : ExitCode.ok,
        ending: this.o.start
          ? 'Not started: a finished replay is not started again.'
          : `Not started (--no-start); start it with: ${this.cmd(`integrations start ${id}`)}`,
        ...(partialError ? { error: partialError } : {}),
      });
    }

    // 8. Start and watch.
    const current = await this.api.getIntegration(id);
    const startMs = Date.now();
    if (current.status !== 'running') {
      await this.api.startIntegration(id);
      this.started = true;
      this.out.success(`started ${id}`);
    } else this.out.info(`${id} is already running`);
    this.statusAfter = 'running';
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'start', detail: { started: this.started, was: current.status } });
    const watchSpinner = await this.out.spinner(`watching ${id}${this.o.watchMs > 0 ? ` for ${formatDuration(this.o.watchMs)}` : ''}`);
    let watch: WatchResult;
    const watchNote = 'status and log';
    try {
      watch = await watchIntegration(this.api, id, {
        durationMs: this.o.watchMs,
        sinceMs: startMs,
        knownRejected: g.remaining.map((e) => e.id),
        signal: this.ctx.signal,
        onTick: (ms) => watchSpinner.update(`watching ${id}: ${formatDuration(ms)} of ${formatDuration(this.o.watchMs)}, ${watchNote}`),
      });
    } catch (error) {
      watchSpinner.stop();
      throw error;
    }
    watchSpinner.stop();
    if (!watch.stopped && watch.newRejections.length === 0 && this.o.watchMs > 0) {
      this.out.success(`${id} is still running after ${formatDuration(watch.watchedMs)}, no new rejections`);
    }
    this.statusAfter = watch.status;
    journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'verify', detail: { status: watch.status, new_rejections: watch.newRejections.length, problems: watch.problems.length, watched_ms: watch.watchedMs } });
    if (this.ctx.signal.aborted) return this.interruptedAfterApply();
    if (watch.stopped || watch.newRejections.length > 0) {
      this.remaining = g.remaining.length + watch.newRejections.length;
      const reason = watch.stopped
        ? `${id} stopped again ${formatDuration(watch.watchedMs)} after the start${watch.stopEntry ? `: ${watch.stopEntry.message}` : ''}`
        : `${watch.newRejections.length} new rejected event(s) appeared while watching ${id}`;
      if (watch.newRejections.length) {
        this.out.notice(
          `new rejections:\n${watch.newRejections
            .slice(0, 10)
            .map((e) => `  ${e.event.name} ${e.id}: HTTP ${e.response?.status_code ?? '?'} ${answerText(e.response?.body)}`)
            .join('\n')}`,
        );
      }
      return this.report({
        outcome: 'verify_failed',
        resumable: false,
        exitCode: ExitCode.partial,
        ending: `${this.started ? 'Started, but' : 'Running, but'} ${reason}.`,
        error: new PartialFailureError(reason, { hint: `look at the log (${this.cmd(`logs list ${id} --since 10m`)}) and recover again: ${this.cmd(`recover ${id}`)}` }),
      });
    }
    const calm = watch.problems.length ? ` (${watch.problems.length} warning(s) in its log: ${this.cmd(`logs list ${id}`)})` : ' with no new rejections';
    const subject = this.started ? `Started ${id}; it` : `${id} was already running; it`;
    return this.report({
      outcome: 'completed',
      resumable: false,
      exitCode: partialError ? ExitCode.partial : ExitCode.ok,
      ending: this.o.watchMs > 0 ? `${subject} stayed running for ${formatDuration(watch.watchedMs)}${calm}.` : `${subject} is running (not watched: --watch 0).`,
      ...(partialError ? { error: partialError } : {}),
    });
  }

  /** "handled 100 events in 0.6s: 98 delivered, 2 deleted" */
  private appliedLine(records: readonly EventRecord[], ms: number): string {
    const calls = records.filter((r) => r.action !== 'skip');
    if (calls.length === 0) return 'no rejected events to retry or delete';
    const count = (...kinds: string[]) => calls.filter((r) => kinds.includes(r.outcome)).length;
    const parts = [
      [count('delivered', 'delivered_gone', 'gone'), 'delivered'],
      [count('deleted', 'deleted_gone'), 'deleted'],
      [count('rejected', 'error'), 'not delivered'],
      [count('held'), 'held back (an earlier event of the same entity failed)'],
    ]
      .filter(([n]) => (n as number) > 0)
      .map(([n, what]) => `${n} ${what}`);
    return `handled ${calls.length} event${calls.length === 1 ? '' : 's'} in ${formatDuration(ms)}: ${parts.join(', ')}`;
  }

  private interruptedAfterApply(): Promise<void> {
    this.out.notice(`interrupted; the journal is complete (${this.journal?.path}). Resume with: ${this.resumeCommand()}`);
    return this.report({ outcome: 'interrupted', resumable: true, exitCode: ExitCode.interrupted, ending: 'Interrupted after the events were handled.', error: new InterruptedError() });
  }

  /** 9. The report on stdout (and --report FILE.md); closes the journal; throws the ending's error. */
  private async report(end: Ending, nothingApplied = false): Promise<void> {
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
      duration_ms: Math.round(performance.now() - this.t0),
      journal: this.journal?.path ?? null,
    };
    if (this.journal) {
      this.journal.close({ outcome: end.outcome, resumable: end.resumable, exit_code: end.exitCode, ...(end.error ? { message: end.error.message } : {}) });
    }
    this.lock?.release();
    if (this.o.report) {
      const failures = [...this.outcomes.values()].filter((r) => r.outcome === 'rejected' || r.outcome === 'error');
      await writeFileAtomic(
        this.o.report,
        renderMarkdownReport({
          report,
          plan,
          diagnosis: [this.diagnosis?.summary ?? '', this.diagnosis?.entry ? `\n> ${quoteEntry(this.diagnosis.entry)}` : ''].join(''),
          byName: outcomesByEventName(plan, this.outcomes),
          failures,
          ending: end.ending,
          exitCode: end.exitCode,
          actor: this.actor,
          startedAt: this.startedAt,
          command: this.cmd(`recover ${this.o.id}${this.ruleFlags()}`),
        }),
      );
    }
    this.out.object(report, () => renderSummary(report, { ending: end.ending, hints: [] }));
    if (this.o.report) this.out.info(this.s.dim(`incident report written to ${this.o.report}`));
    if (end.error) throw end.error;
    if (end.exitCode === ExitCode.ok && !nothingApplied) this.out.success(`${this.o.id} recovered`);
  }
}
