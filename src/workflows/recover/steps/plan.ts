// Step 3 of recover: which run (continue an unfinished one, apply a saved plan, or plan anew), the plan
// and what this session will do of it, with an estimate; and a dry run's ending.
import type { Integration, RejectedEvent } from '../../../api/schemas.js';
import { integrationIsRunning } from '../../../api/schemas.js';
import { ExitCode, PreconditionError } from '../../../errors.js';
import { nsxCommand } from '../../../hints.js';
import type { OnError } from '../apply.js';
import { findResumableRun, findRun, measuredCallTimes, newRunId, readJournal, readRunPlan, type EventRecord, type RunListing } from '../journal.js';
import { liveLockHolder, type LockHolder } from '../lock.js';
import { buildRecoverPlan, estimateDurationMs, hasRules, summarizePlan, type PlanRules, type PlanSummary, type RecoverPlan, type RecoverRules } from '../plan.js';
import type { InheritedSettings, PlanSource, RecoverEnding, RecoverEvent, RecoverRunOptions } from '../run-recover.js';
import { resumeState, type ResumeState } from '../session.js';
import { consentNeeded } from './confirm.js';
import type { EmitRecoverEvent } from './diagnose.js';

/** Where runs are kept and whose they are. */
export interface RunPlace {
  stateDir: string;
  tenant: string;
  /** An in-process sandbox is fresh each time, so its old runs are moot. */
  sandbox: boolean;
}

export interface RunChoice {
  /** The unfinished run this command continues. */
  resumable: RunListing | undefined;
  /** The unfinished run a new run closes as superseded. */
  supersede: RunListing | undefined;
  /** null for a dry run (it records nothing). */
  runId: string | null;
  inherited: InheritedSettings | undefined;
  /** A dry run: the command holding the integration's lock, if any. */
  holder: LockHolder | undefined;
}

export interface Pace {
  /** Calls in flight at most: the fixed level, or under --concurrency auto the --max-concurrency. */
  concurrency: number;
  /** --concurrency auto. */
  adaptive?: boolean;
  ratePerSecond: number | undefined;
  onError: OnError;
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

/** --max-concurrency when not typed. */
export const DEFAULT_MAX_CONCURRENCY = 32;
/** How many calls in flight: a fixed level, or under auto (adaptive) the cap. */
interface Level {
  concurrency: number;
  adaptive: boolean;
}
/** The level when --concurrency is not typed (and no resumed run has its own): auto, capped at 32. */
export const DEFAULT_LEVEL: Level = { concurrency: DEFAULT_MAX_CONCURRENCY, adaptive: true };

/** The level this command typed (--concurrency, --max-concurrency), else `otherwise`. */
function typedLevel(o: RecoverRunOptions, otherwise: Level): Level {
  return o.concurrency === undefined ? otherwise : { concurrency: o.concurrency, adaptive: o.adaptive === true };
}

/** A journaled run's level (a run from before auto has no `adaptive`: fixed). */
function runLevel(options: { concurrency: number; adaptive?: boolean | undefined }): Level {
  return { concurrency: options.concurrency, adaptive: options.adaptive === true };
}

/**
 * The options of a run (as recorded in its journal) as command words, leaving out the defaults. A run
 * recorded before auto was the default (no `adaptive`, concurrency 1) reads as `--concurrency 1`.
 */
function optionWords(o: { on_error: string; concurrency: number; rate_per_second: number | null; adaptive?: boolean | undefined }): Array<{ flag: string; value: string }> {
  const words: Array<{ flag: string; value: string }> = [];
  if (o.on_error !== 'stop') words.push({ flag: '--on-error', value: o.on_error });
  if (o.adaptive) {
    // auto is the default; with its cap, named anyway: "--max-concurrency 4" alone reads as a fixed level.
    if (o.concurrency !== DEFAULT_MAX_CONCURRENCY) words.push({ flag: '--concurrency', value: 'auto' }, { flag: '--max-concurrency', value: String(o.concurrency) });
  } else words.push({ flag: '--concurrency', value: String(o.concurrency) });
  if (o.rate_per_second !== null) words.push({ flag: '--rate', value: `${o.rate_per_second}/s` });
  return words;
}

/**
 * Which run: continue an unfinished one, apply a saved plan, or plan anew. A dry run shows what a plain
 * re-run would do, so it looks for an unfinished run too (and only reads it). Reads only local state.
 */
export function chooseRun(o: RecoverRunOptions, place: RunPlace): RunChoice {
  const resumable = o.resume === false ? undefined : resumableRun(o, place);
  const supersede = !resumable && !o.dryRun && typeof o.resume !== 'string' && !place.sandbox ? findResumableRun(place.stateDir, place.tenant, o.id) : undefined;
  return {
    resumable,
    supersede,
    runId: o.dryRun ? null : (resumable?.header.run_id ?? newRunId()),
    inherited: resumable ? inheritedFrom(o, resumable) : undefined,
    holder: o.dryRun ? liveLockHolder({ stateDir: place.stateDir, tenant: place.tenant, integration: o.id }) : undefined,
  };
}

function resumableRun(o: RecoverRunOptions, place: RunPlace): RunListing | undefined {
  const { id } = o;
  if (typeof o.resume === 'string') {
    const run = findRun(place.stateDir, o.resume, place.tenant, id);
    if (!run.resumable) {
      throw new PreconditionError(`run ${o.resume} already ended (${run.end?.outcome ?? 'unknown'}): there is nothing to resume`, {
        hint: `plan anew with: ${nsxCommand('recover', id, '--dry-run')}`,
      });
    }
    return run;
  }
  // New rules or a saved plan mean a new plan; an in-process sandbox is fresh each time, so its old runs are moot.
  if (hasRules(o.rules) || o.planIn || place.sandbox) return undefined;
  return findResumableRun(place.stateDir, place.tenant, id);
}

/** What the resumed run carries over that this command did not type. */
function inheritedFrom(o: RecoverRunOptions, run: RunListing): InheritedSettings {
  const plan = readRunPlan(run.header);
  const h = run.header.options;
  const rules: InheritedSettings['rules'] = [
    ...plan.rules.drop.map((expression) => ({ flag: '--drop' as const, expression })),
    ...plan.rules.skip.map((expression) => ({ flag: '--skip' as const, expression })),
    ...plan.rules.only.map((expression) => ({ flag: '--only' as const, expression })),
  ];
  const options = optionWords({
    on_error: o.onError === undefined ? h.on_error : 'stop',
    // A typed level is this command's own: the default stands for it, so no words are carried over.
    ...(o.concurrency === undefined ? runLevel(h) : DEFAULT_LEVEL),
    rate_per_second: o.ratePerSecond === undefined ? h.rate_per_second : null,
  });
  return { rules, options };
}

/** The pace of the run: as typed, else the resumed run's, else the defaults. */
export function paceOf(o: RecoverRunOptions, resumable: RunListing | undefined): Pace {
  return {
    ...typedLevel(o, resumable ? runLevel(resumable.header.options) : DEFAULT_LEVEL),
    ratePerSecond: o.ratePerSecond ?? resumable?.header.options.rate_per_second ?? undefined,
    onError: o.onError ?? resumable?.header.options.on_error ?? 'stop',
  };
}

/** A dry run found the lock held: by whom, and how far its run has come. */
export function inProgressEvent(holder: LockHolder, resumable: RunListing | undefined): RecoverEvent {
  const run = resumable && holder.run_id === resumable.header.run_id ? readJournal(resumable.path) : undefined;
  let done: number | undefined;
  let total: number | undefined;
  if (run) {
    done = [...run.outcomes.values()].filter((r) => r.outcome !== 'interrupted').length;
    total = run.header.plan_summary.total;
  }
  return { type: 'in-progress', holder, runId: holder.run_id, done, total };
}

/**
 * A plain re-run with --yes and nobody to ask must not carry an earlier run's rules (a --drop above all)
 * or options over silently: when this command's flags differ from the run's, it names the run to resume
 * as it is, or --no-resume to plan anew with these flags (exit 7). --resume RUN-ID is that choice made.
 */
export function refuseSilentCarryOver(o: RecoverRunOptions, run: RunListing, interactive: boolean): void {
  if (typeof o.resume === 'string' || !o.yes || interactive) return;
  const plan = readRunPlan(run.header);
  const runFlags = [...ruleWords(plan.rules), ...optionWords(run.header.options).flatMap((w) => [w.flag, w.value])];
  const given = [
    ...ruleWords(typedRules(o.rules)),
    ...optionWords({
      on_error: o.onError ?? 'stop',
      ...typedLevel(o, DEFAULT_LEVEL),
      rate_per_second: o.ratePerSecond ?? null,
    }).flatMap((w) => [w.flag, w.value]),
  ];
  if (runFlags.join('\0') === given.join('\0')) return;
  const { id } = o;
  const h = run.header;
  const how = run.end ? run.end.outcome.replace(/_/g, ' ') : 'ended without a trace';
  const said = (words: string[]) => (words.length ? words.join(' ') : 'no rules or options');
  throw new PreconditionError(
    `an unfinished run of ${id} would be resumed with flags this command does not give: run ${h.run_id} (${how}) has ${said(runFlags)}; this command gives ${said(given)}`,
    {
      hint: `resume it as it is: ${nsxCommand('recover', id, '--resume', h.run_id, o.sessionFlags, '--yes')}; or plan anew with this command's flags: ${nsxCommand('recover', id, '--no-resume', ruleWords(typedRules(o.rules)), o.runFlags, o.sessionFlags, '--yes')}`,
    },
  );
}

/** A plan to apply and what this session does of it. */
export interface PlannedRun {
  plan: RecoverPlan;
  state: ResumeState;
  /** The outcomes earlier sessions of a resumed run recorded (empty for a new run). */
  outcomes: Map<string, EventRecord>;
  /** What this session still does. */
  todo: PlanSummary;
  willStart: boolean;
  /** Anything to change on the server (calls to make, or a start): what a person agrees to. */
  changes: boolean;
}

export async function planRun(
  o: RecoverRunOptions,
  input: { integration: Integration; rejected: readonly RejectedEvent[]; choice: RunChoice; pace: Pace; startWanted: boolean; place: RunPlace },
  emit: EmitRecoverEvent,
): Promise<PlannedRun> {
  const { plan, state, outcomes } = await choosePlan(o, input, emit);
  const { resumable } = input.choice;
  const { concurrency, ratePerSecond, adaptive } = input.pace;
  const todo = summarizePlan(state.todo);
  const source: PlanSource = resumable
    ? { kind: 'resume', runId: resumable.header.run_id }
    : o.planIn
      ? { kind: 'plan-in', path: o.planIn.path, createdAt: o.planIn.plan.created_at }
      : { kind: 'new' };
  const calls = todo.retry + todo.drop;
  // The estimate comes from measured retry and delete calls (earlier runs' journals), never from reads:
  // a retry waits for the receiver, which a listing never does. Nothing measured: no number.
  const measured = measuredCallTimes(input.place.stateDir, input.place.tenant, o.id);
  const perCall =
    (todo.retry && measured.retryMs === undefined) || (todo.drop && measured.dropMs === undefined) || calls === 0
      ? undefined
      : (todo.retry * (measured.retryMs ?? 0) + todo.drop * (measured.dropMs ?? 0)) / calls;
  const willStart = input.startWanted && !integrationIsRunning(input.integration);
  const changes = consentNeeded(todo, willStart) !== undefined;
  await emit({
    type: 'plan',
    plan,
    source,
    todo,
    estimateMs: perCall === undefined ? undefined : estimateDurationMs(state.todo, { msPerCall: perCall, concurrency, ratePerSecond }),
    estimateSamples: measured.samples,
    concurrency,
    adaptive: adaptive === true,
    start: input.startWanted,
    asking: changes && !o.yes && !o.dryRun,
  });
  return { plan, state, outcomes, todo, willStart, changes };
}

/** The plan (resumed, saved, or new) and what of it is left. */
async function choosePlan(
  o: RecoverRunOptions,
  input: { integration: Integration; rejected: readonly RejectedEvent[]; choice: RunChoice; place: RunPlace },
  emit: EmitRecoverEvent,
): Promise<{ plan: RecoverPlan; state: ResumeState; outcomes: Map<string, EventRecord> }> {
  const { id } = o;
  const { resumable, inherited, holder } = input.choice;
  const { rejected } = input;
  if (resumable) {
    const contents = readJournal(resumable.path);
    const plan = readRunPlan(contents.header);
    const state = resumeState(plan, contents.outcomes, rejected);
    await emit({
      type: 'resuming',
      dryRun: o.dryRun,
      journal: contents,
      finished: state.finished,
      total: plan.events.length,
      inherited: inherited ?? { rules: [], options: [] },
      inProgress: holder?.run_id === contents.header.run_id,
    });
    await emit({ type: 'plan-drift', which: 'resumed', gone: state.goneMeanwhile.length, unmentioned: state.unmentioned.length });
    return { plan, state, outcomes: new Map(contents.outcomes) };
  }
  if (o.planIn) {
    const plan = o.planIn.plan;
    const state = resumeState(plan, new Map(), rejected);
    if (state.unmentioned.length) {
      throw new PreconditionError(
        `the server holds ${state.unmentioned.length} rejected event(s) of ${id} that ${o.planIn.path} does not mention; nothing was changed:\n${listEvents(state.unmentioned)}`,
        { hint: `make a new plan: ${nsxCommand('recover', id, '--dry-run', '--plan-out', o.planIn.path)}` },
      );
    }
    await emit({ type: 'plan-drift', which: 'saved', gone: state.goneMeanwhile.length, unmentioned: state.unmentioned.length });
    return { plan, state, outcomes: new Map() };
  }
  const plan = buildRecoverPlan(input.integration, rejected, o.rules, { tenant: input.place.tenant });
  return { plan, state: { todo: plan.events, goneMeanwhile: [], unmentioned: [], finished: 0 }, outcomes: new Map() };
}

/** A dry run's ending: what to type to do what was shown. */
export function dryRunEnding(o: RecoverRunOptions, choice: RunChoice): RecoverEnding {
  const { id } = o;
  // Resuming names the run (a plain re-run may refuse to inherit its rules).
  const apply = choice.resumable
    ? nsxCommand('recover', id, '--resume', choice.resumable.header.run_id, o.runFlags, o.sessionFlags, '--yes')
    : o.planIn
      ? nsxCommand('recover', id, '--plan-in', o.planIn.path, o.runFlags, o.sessionFlags, '--yes')
      : nsxCommand('recover', id, ruleWords(typedRules(o.rules)), o.runFlags, o.sessionFlags, '--yes');
  // While another command holds the lock, what is left depends on how it ends: look again then.
  const ending = choice.holder
    ? `Dry run: nothing was changed. When the command in progress has ended, see what is left with: ${nsxCommand('recover', id, '--dry-run')}`
    : `Dry run: nothing was changed. To apply: ${apply}`;
  return { outcome: 'completed', resumable: false, exitCode: ExitCode.ok, ending };
}
