// nsx recover <id>: diagnose -> plan -> confirm -> apply (journaled) -> gate -> start -> watch -> report.
// The steps live in src/workflows/recover/steps/ and run in order in src/workflows/recover/run-recover.ts;
// this handler parses the flags, shows the run's events, asks the question, writes the plan and report
// files and decides the exit code.
import { readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, resolve } from 'node:path';
import { stateDir } from '../../config/paths.js';
import { ExitCode, InterruptedError, NsxError, UsageError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import { parseMaxFailureRate, parseRate, parseWholeNumber } from '../../input/numbers.js';
import { unreadableFile } from '../../input/files.js';
import { confirm } from '../../output/prompts.js';
import { writePrivateFileStreaming } from '../../config/secure-files.js';
import { countOutcomes, notDone } from '../../workflows/rejected/outcomes.js';
import type { OnError } from '../../workflows/recover/apply.js';
import { RUN_ID_PATTERN, type EventRecord } from '../../workflows/recover/journal.js';
import { shellQuote } from '../../hints.js';
import { hasRules, parsePlan, parseRecoverRules, serializePlan } from '../../workflows/recover/plan.js';
import { describeHolder } from '../../workflows/recover/lock.js';
import { DEFAULT_MAX_CONCURRENCY } from '../../workflows/recover/steps/plan.js';
import {
  listEvents,
  ruleWords,
  runRecover,
  typedRules,
  type ConfirmRequest,
  type PlanSource,
  type RecoverEvent,
  type RecoverResult,
  type RecoverRunOptions,
} from '../../workflows/recover/run-recover.js';
import { outcomesByEventName } from '../../workflows/recover/session.js';
import { answerText } from '../../workflows/recover/signature.js';
import { quoteEntry } from '../../workflows/recover/stop-reason.js';
import type { ChalkInstance } from 'chalk';
import type { Output, Progress } from '../../output/output.js';
import type { ArgsOf, OptionsOf } from '../define.js';
import type { recover } from './index.js';
import { targetTenant, type CommandContext } from '../context.js';
import { integrationIsRunning } from '../../api/schemas.js';
import { createApplyDisplay, type ApplyDisplay, type ProgressMode } from './progress.js';
import { describeEvent, publishedLine, renderMarkdownReport, renderPlan, renderSummary } from './render.js';

/** The options of nsx recover, typed from its declaration (index.ts). */
export type RecoverFlags = OptionsOf<typeof recover>;

interface RecoverOptions extends RecoverRunOptions {
  planOut: string | undefined;
  progress: ProgressMode;
  report: string | undefined;
}

const MAX_CONCURRENCY = 64;

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
/** A --concurrency other than auto: a whole number from 1 to MAX_CONCURRENCY. */
function fixedConcurrency(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--concurrency: "${text}" must be auto or a whole number from 1 to ${MAX_CONCURRENCY}`);
  return parseWholeNumber(text, '--concurrency', { min: 1, max: MAX_CONCURRENCY });
}

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
      throw unreadableFile(error, flags.planIn, '--plan-in');
    }
    const plan = parsePlan(text, flags.planIn);
    if (plan.integration !== id) throw new UsageError(`--plan-in: ${flags.planIn} is a plan for ${plan.integration}, not ${id}`);
    planIn = { plan, path: flags.planIn };
  }
  // This command's own choices, as typed, for the commands nsx prints (resume, --no-resume, --drop): the
  // options a run records (a resume keeps the run's own), and those of this session only.
  const runFlags: string[] = [];
  if (flags.onError !== undefined) runFlags.push('--on-error', flags.onError);
  if (flags.concurrency !== undefined) runFlags.push('--concurrency', flags.concurrency);
  if (flags.maxConcurrency !== undefined) runFlags.push('--max-concurrency', flags.maxConcurrency);
  const maxConcurrency = flags.maxConcurrency === undefined ? undefined : parseWholeNumber(flags.maxConcurrency, '--max-concurrency', { min: 1, max: MAX_CONCURRENCY });
  // auto is the default: --max-concurrency alone is auto with that cap. Neither typed: undefined, so that
  // a resumed run keeps its own level (paceOf).
  const adaptive = flags.concurrency === undefined ? (maxConcurrency === undefined ? undefined : true) : flags.concurrency === 'auto';
  if (maxConcurrency !== undefined && adaptive === false) throw new UsageError('--max-concurrency goes with --concurrency auto, the default (a number is a fixed level)');
  const concurrency = adaptive ? (maxConcurrency ?? DEFAULT_MAX_CONCURRENCY) : flags.concurrency === undefined ? undefined : fixedConcurrency(flags.concurrency);
  if (flags.rate !== undefined) runFlags.push('--rate', flags.rate);
  const sessionFlags: string[] = [];
  if (flags.allowRemaining !== undefined) sessionFlags.push('--allow-remaining', flags.allowRemaining);
  if (flags.start === false) sessionFlags.push('--no-start');
  if (flags.watch !== undefined) sessionFlags.push('--watch', flags.watch);
  if (flags.maxFailureRate !== undefined) sessionFlags.push('--max-failure-rate', flags.maxFailureRate);
  const watchMs = flags.watch === undefined ? 10_000 : parseDuration(flags.watch, '--watch');
  const maxFailureRate = flags.maxFailureRate === undefined ? undefined : parseMaxFailureRate(flags.maxFailureRate);
  if (maxFailureRate !== undefined && watchMs === 0) throw new UsageError('--max-failure-rate judges what NewStore published while watched: it needs a watch (not --watch 0)');
  return {
    runFlags,
    sessionFlags,
    id,
    rules,
    planIn,
    dryRun: Boolean(flags.dryRun),
    planOut: flags.planOut ? writableDir(flags.planOut, '--plan-out') : undefined,
    resume,
    yes: Boolean(flags.yes),
    onError: flags.onError === undefined ? undefined : (flags.onError as OnError),
    concurrency,
    adaptive,
    ratePerSecond: flags.rate === undefined ? undefined : parseRate(flags.rate),
    allowRemaining: flags.allowRemaining === undefined ? 0 : parseWholeNumber(flags.allowRemaining, '--allow-remaining', { min: 0, max: 1_000_000 }),
    start: flags.start !== false,
    watchMs,
    maxFailureRate,
    progress: (flags.progress as ProgressMode | undefined) ?? 'auto',
    report: flags.report ? writableDir(flags.report, '--report') : undefined,
  };
}

export async function run(ctx: CommandContext, args: ArgsOf<typeof recover>, flags: RecoverFlags): Promise<void> {
  const options = parseRecoverFlags(args[0], flags);
  // Thousands of small calls make V8 grow its young generation to ~3 x 16 MB of short-lived garbage;
  // keeping it at its first size holds peak RSS near 120 MB instead of 140 MB over 2,000 events
  // (bench/recover.mjs), at no measurable cost in time. The flag is read on every scavenge, so it works
  // when set at run time (--max-semi-space-size would not).
  setFlagsFromString('--semi-space-growth-factor=1');
  ctx.handleInterrupts();
  await ctx.announce();
  try {
    await new RecoverCommand(ctx, options).run();
  } catch (error) {
    if (ctx.signal.aborted && !(error instanceof NsxError)) throw new InterruptedError('interrupted; nothing more was sent');
    throw error;
  }
}

/** Shows a recover run on the terminal: its events as they come, then the summary and the report files. */
class RecoverCommand {
  private readonly out: Output;
  private readonly s: ChalkInstance;
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  /** A dry run found another command holding the lock: its plan is what a re-run would do after it. */
  private inProgress = false;
  /** The spinner on screen, if any: stopped when the run throws. */
  private spinner: Progress | undefined;
  private display: ApplyDisplay | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly o: RecoverOptions,
  ) {
    this.out = ctx.output;
    this.s = ctx.output.errStyle;
  }

  async run(): Promise<void> {
    const settings = await this.ctx.settings();
    const tenant = targetTenant(settings);
    if (this.o.planIn && this.o.planIn.plan.tenant !== tenant) {
      throw new UsageError(`--plan-in: ${this.o.planIn.path} is a plan for tenant ${this.o.planIn.plan.tenant}, not ${tenant}`);
    }
    const api = (await this.ctx.client()).eventstream;
    let result: RecoverResult;
    try {
      result = await runRecover(this.o, {
        api,
        tenant,
        stateDir: stateDir(),
        signal: this.ctx.signal,
        interactive: this.out.canPrompt,
        sandbox: Boolean(this.ctx.globals.sandbox),
        startedAt: this.startedAt,
        t0: this.t0,
        onEvent: (event) => this.show(event),
        confirm: (request) => confirm(this.out, this.question(request), { yes: this.o.yes }),
      });
    } catch (error) {
      this.spinner?.stop();
      throw error;
    }
    await this.report(result);
  }

  private question({ retry, drop, willStart }: ConfirmRequest): string {
    const { id } = this.o;
    const what = [retry ? `retry ${retry}` : '', drop ? `delete ${drop}` : ''].filter(Boolean).join(' and ');
    return retry + drop > 0 ? `${what[0]!.toUpperCase()}${what.slice(1)} rejected events of ${id}${willStart ? ', then start it' : ''}?` : `Start ${id}?`;
  }

  private async startSpinner(text: string): Promise<void> {
    this.spinner = await this.out.spinner(text);
  }

  private stopSpinner(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }

  /**
   * How each event of the run is shown, in the words and on the stream it always had: a table of event
   * type -> text. Not async: most events need no wait.
   */
  private readonly shown: { [K in RecoverEvent['type']]: (e: Extract<RecoverEvent, { type: K }>) => void | Promise<void> } = {
    event: (e) => this.display?.event(e.record, e.progress),
    'slow-down': (e) => this.display?.slowDown(e.ratePerSecond),
    level: (e) => this.out.debug(`concurrency ${e.change.from ? `${e.change.from} -> ` : ''}${e.change.level} (${e.change.reason}: ${e.change.detail})`),
    'watch-tick': (e) => this.spinner?.update(`watching ${this.o.id}: ${formatDuration(e.ms)} of ${formatDuration(this.o.watchMs)}, status and log`),
    locked: (e) => {
      const lock = e.lock;
      this.ctx.defer(() => lock.release());
      const old = lock.tookOver;
      if (old) this.out.warn(`took over a stale lock: pid ${old.pid} on ${old.host} (run ${old.run_id}, since ${old.started_at}) is gone`);
      return;
    },
    reading: () => this.startSpinner(`reading the rejected events of ${this.o.id}`),
    read: () => this.stopSpinner(),
    diagnosis: (e) => {
      this.out.info(e.diagnosis.summary);
      if (e.diagnosis.entry && !integrationIsRunning(e.integration)) this.out.info(this.s.dim(`  ${quoteEntry(e.diagnosis.entry)}`));
      return;
    },
    'stale-run-closed': (e) => {
      this.out.info(this.s.dim(`run ${e.runId} ended without a trace; nothing is left of it (marked completed)`));
      return;
    },
    'in-progress': (e) => {
      const progress = e.total !== undefined ? `; ${e.done ?? 0} of ${e.total} events handled so far` : '';
      this.out.notice(
        `${e.runId ? `run ${e.runId} of ${this.o.id} is in progress` : `another command is retrying or deleting the rejected events of ${this.o.id}`}: ${describeHolder(e.holder)}${progress}.`,
      );
      this.out.notice(`  What a re-run would do after it ends, if it ended now (this dry run changes nothing and waits for nothing):`);
      this.inProgress = true;
      return;
    },
    resuming: (e) => {
      const h = e.journal.header;
      const end = e.journal.end;
      const how = e.inProgress ? ', in progress' : end ? `, ${end.outcome.replace(/_/g, ' ')}` : ', ended without a trace: a crash?';
      this.out.notice(
        `${e.dryRun ? 'A re-run would resume' : 'Resuming'} run ${h.run_id} (started ${h.started_at} by ${h.user}@${h.host}${how}): ` +
          `${e.finished} of ${e.total} events done.`,
      );
      // What the run carries over that this command did not type, first and one a line: a --drop deletes.
      if (e.inherited.rules.length || e.inherited.options.length) {
        this.out.notice(`  with the rules and options of that run, which this command did not give:`);
        for (const r of e.inherited.rules) {
          const line = `    ${r.flag} ${shellQuote(r.expression)}`;
          this.out.notice(r.flag === '--drop' ? this.s.red.bold(`${line}   <- deletes the matching events: they are never delivered`) : line);
        }
        for (const o of e.inherited.options) this.out.notice(`    ${o.flag} ${o.value}`);
      }
      if (e.journal.inFlight.length) {
        this.out.info(`  ${e.journal.inFlight.length} event(s) were in flight when it ended; those still rejected are sent again (delivery is at-least-once).`);
      }
      return;
    },
    'plan-drift': (e) => {
      if (e.gone) this.out.info(`  ${e.gone} event(s) of the ${e.which} plan are no longer rejected on the server (handled meanwhile): recorded as gone.`);
      if (e.unmentioned) {
        this.out.warn(
          `${e.unmentioned} rejected event(s) on the server are not in the ${e.which} plan (new since it was made): they are left alone, and ${this.o.id} will not be started while they remain. Run recover again afterwards to plan them.`,
        );
      }
      return;
    },
    plan: (e) => this.showPlan(e),
    superseded: (e) => {
      this.out.info(this.s.dim(`run ${e.runId} was left unfinished; this new plan replaces it`));
      return;
    },
    applying: () => {
      return createApplyDisplay(this.out, this.o.progress, `${this.o.id}:`).then((display) => {
        this.display = display;
      });
    },
    'apply-ended': () => {
      this.display?.stop();
      return;
    },
    applied: (e) => {
      this.out.success(this.appliedLine(e.records, e.ms));
      return;
    },
    'apply-interrupted': (e) => {
      this.out.notice(`interrupted: ${e.handled} event(s) handled in this session, ${e.notAttempted} not started; the journal is complete (${e.journal})`);
      this.out.notice(`resume with: ${e.resumeCommand}`);
      return;
    },
    'apply-stopped': (e) => {
      const f = e.failure;
      const answer = f.receiver_answer !== undefined ? `the receiver answered ${f.receiver_status ?? '?'}: ${f.receiver_answer}` : (f.error ?? 'no answer');
      this.out.notice(`${this.s.red('✗')} ${describeEvent(f)} was not delivered: ${answer}`);
      this.out.notice(`  ${e.notAttempted} later event(s) were not sent (--on-error stop); ${this.o.id} was not started.`);
      this.out.notice(`  fix the receiver, then resume: ${e.resumeCommand}`);
      this.out.notice(`  or delete events of this type instead: ${e.dropCommand}`);
      this.out.notice(`  or look at them one group at a time: ${this.ctx.command('rejected', 'triage', this.o.id)}`);
      return;
    },
    'gate-checking': () => this.startSpinner('checking that no rejected events remain'),
    gate: (e) => {
      this.stopSpinner();
      if (e.stable && e.remaining === 0) this.out.success('no rejected events remain');
      else if (e.stable && e.remaining <= this.o.allowRemaining) this.out.success(`${e.remaining} rejected event(s) remain, allowed by --allow-remaining`);
      return;
    },
    remaining: (e) => {
      this.out.notice(`${e.events.length} rejected event(s) remain on the server:\n${listEvents(e.events)}`);
      return;
    },
    started: (e) => {
      if (e.started) this.out.success(`started ${this.o.id}`);
      else this.out.info(`${this.o.id} is already running`);
      return;
    },
    watching: () => this.startSpinner(`watching ${this.o.id}${this.o.watchMs > 0 ? ` for ${formatDuration(this.o.watchMs)}` : ''}`),
    watched: (e) => {
      this.stopSpinner();
      const watch = e.result;
      if (!watch.stopped && watch.newRejections.length === 0 && this.o.watchMs > 0) {
        this.out.success(`${this.o.id} is still running after ${formatDuration(watch.watchedMs)}, no new rejections`);
      }
      return;
    },
    published: (e) => {
      const f = e.figures;
      if (f.error !== undefined) {
        this.out.warn(`could not read what NewStore published for ${this.o.id} since the start (${f.error}); the run is judged without it`);
        return;
      }
      const line = `NewStore published since the start: ${publishedLine(f)}`;
      if (f.failed) this.out.notice(`${this.s.yellow('!')} ${line}`);
      else this.out.info(line);
      return;
    },
    'new-rejections': (e) => {
      this.out.notice(
        `new rejections:\n${e.events
          .slice(0, 10)
          .map((r) => `  ${r.event.name} ${r.id}: HTTP ${r.response?.status_code ?? '?'} ${answerText(r.response?.body)}`)
          .join('\n')}`,
      );
      return;
    },
    interrupted: (e) => {
      this.out.notice(`interrupted; the journal is complete (${e.journal}). Resume with: ${e.resumeCommand}`);
      return;
    },
  };

  private show(e: RecoverEvent): void | Promise<void> {
    return (this.shown[e.type] as (e: RecoverEvent) => void | Promise<void>)(e);
  }

  private async showPlan(e: Extract<RecoverEvent, { type: 'plan' }>): Promise<void> {
    const { id } = this.o;
    const planText = renderPlan(this.s, e.todo, {
      integration: id,
      estimateMs: e.estimateMs,
      estimateSamples: e.estimateSamples,
      concurrency: e.concurrency,
      adaptive: e.adaptive,
      start: e.start,
      watchMs: this.o.watchMs,
      heading: this.inProgress ? 'If it ended now, a re-run would do:' : planHeading(e.source, id),
    });
    // A plan to confirm, or a dry run's plan (the dry run's whole answer), is shown even with --quiet.
    if (e.asking || this.o.dryRun) this.out.notice(planText);
    else this.out.info(planText);
    if (this.o.planOut) {
      // Plans and reports name customer events: owner-only, written atomically (the one safe writer).
      await writePrivateFileStreaming(this.o.planOut, (write) => write(serializePlan(e.plan)), { overwrite: true });
      this.out.success(`plan saved to ${this.o.planOut}; apply exactly this plan with: ${this.ctx.command('recover', id, '--plan-in', this.o.planOut, this.o.runFlags, this.o.sessionFlags, '--yes')}`);
    }
  }

  /** "handled 100 events in 0.6s: 98 delivered, 2 deleted" */
  private appliedLine(records: readonly EventRecord[], ms: number): string {
    const calls = records.filter((r) => r.action !== 'skip');
    if (calls.length === 0) return 'no rejected events to retry or delete';
    const c = countOutcomes(calls); // skipped among calls: held back (a skip rule makes no call)
    const parts = [
      [c.delivered, 'delivered'],
      [c.deleted, 'deleted'],
      [c.gone, 'gone (no longer rejected on the server before nsx touched them)'],
      [notDone(c), 'not delivered'],
      [c.skipped, 'held back (an earlier event of the same entity failed)'],
    ]
      .filter(([n]) => (n as number) > 0)
      .map(([n, what]) => `${n} ${what}`);
    return `handled ${calls.length} event${calls.length === 1 ? '' : 's'} in ${formatDuration(ms)}: ${parts.join(', ')}`;
  }

  /** 9. The report on stdout (and --report FILE.md); throws the ending's error. */
  private async report(result: RecoverResult): Promise<void> {
    const { report, end, plan, diagnosis } = result;
    if (this.o.report) {
      await writePrivateFileStreaming(
        this.o.report,
        (write) => write(renderMarkdownReport({
          report,
          plan,
          diagnosis: [diagnosis?.summary ?? '', diagnosis?.entry ? `\n> ${quoteEntry(diagnosis.entry)}` : ''].join(''),
          byName: outcomesByEventName(plan, result.outcomes),
          failures: result.failures,
          ending: end.ending,
          exitCode: end.exitCode,
          actor: result.actor,
          startedAt: this.startedAt,
          command: this.ctx.command('recover', this.o.id, ruleWords(typedRules(this.o.rules)), this.o.runFlags, this.o.sessionFlags),
        })),
        { overwrite: true },
      );
    }
    this.out.object(report, () => renderSummary(report, { ending: end.ending, hints: [] }));
    if (this.o.report) this.out.info(this.s.dim(`incident report written to ${this.o.report}`));
    if (end.error) throw end.error;
    if (end.exitCode === ExitCode.ok && !result.nothingApplied) {
      // "recovered" only when it runs: after --no-start the events are handled but nothing flows yet.
      this.out.success(integrationIsRunning({ status: report.status_after }) ? `${this.o.id} recovered` : `${this.o.id}: its rejected events are handled; it is ${report.status_after} (not started)`);
    }
  }
}

function planHeading(source: PlanSource, id: string): string {
  if (source.kind === 'resume') return `What is left of run ${source.runId}:`;
  if (source.kind === 'plan-in') return `Plan from ${source.path} (made ${source.createdAt}):`;
  return `Plan for ${id}:`;
}
