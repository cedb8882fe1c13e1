// The run history (nsx runs): the journals that recover, `rejected triage` and `rejected retry/delete`
// write in <state dir>/runs/ (see ../recover/journal.ts), read as they are: nothing here changes a journal,
// and prune only removes whole runs that ended. A run whose journal has no end line is running when a live
// process holds the integration's lock for it (the lock file names the run and the pid), else it was
// interrupted (killed, or the machine went down). No terminal I/O: src/commands/runs/ prints.
import { statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { NotFoundError, UsageError } from '../../errors.js';
import { journalPath, planPath, readJournal, readRunPlan, RUN_ID_PATTERN, runsDir, scanRuns, type EndOutcome, type EventRecord, type JournalContents, type PhaseRecord, type RunHeader } from '../recover/journal.js';
import { isProcessAlive, liveLockHolder, type LockHolder } from '../recover/lock.js';
import type { PlanRules, RecoverPlan } from '../recover/plan.js';
import { outcomesByEventName, type EventNameOutcome } from '../recover/session.js';
import { countOutcomes, type OutcomeCounts } from '../rejected/outcomes.js';

export const RUN_STATUSES = ['running', 'finished', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run as `runs list` shows it (and --json prints it). */
export interface RunSummary {
  run_id: string;
  status: RunStatus;
  /** The process writing the journal, while the run is running (else null). */
  pid: number | null;
  tenant: string;
  integration: string;
  /** Which command made the run: recover (a plan built then), plan-in (a saved plan), triage, rejected (retry/delete). */
  source: RunHeader['options']['source'];
  user: string;
  host: string;
  started_at: string;
  /** When the end line was written; null while running or when the run ended without one. */
  ended_at: string | null;
  /** Until the end line, the last line written (an interrupted run), or now (a running one). */
  duration_ms: number;
  /** The end line's outcome (completed, stopped_on_error, gate_refused, ...); null without one. */
  outcome: EndOutcome | null;
  exit_code: number | null;
  message: string | null;
  /** `nsx runs resume` continues it: a recover run that is not running and did not end for good. */
  resumable: boolean;
  /** Events in the plan (for triage and retry/delete runs: the events acted on). */
  events: number;
  /** The latest outcome of each event, in the vocabulary of `rejected retry --json`. */
  results: OutcomeCounts;
  journal: string;
}

/** One run whole, for `runs show`. */
export interface RunDetail extends RunSummary {
  options: RunHeader['options'];
  plan_file: string;
  /** The plan's rules and counts; null when the plan file cannot be read (its events are still in the journal). */
  plan: { rules: PlanRules; total: number; retry: number; drop: number; skip: number; created_at: string } | null;
  plan_error: string | null;
  /** Per event name: what was planned and what came of it. */
  by_event: EventNameOutcome[];
  /** The latest record of each event acted on, in the order they were written. */
  event_outcomes: Array<Pick<EventRecord, 'at' | 'event_id' | 'event_name' | 'entity' | 'action' | 'outcome' | 'receiver_status' | 'duration_ms'> & { detail: string | null }>;
  /** Events sent whose outcome was never written (in flight when the run ended). */
  in_flight: string[];
  phases: Array<Pick<PhaseRecord, 'at' | 'phase'>>;
}

export interface HistoryOptions {
  stateDir: string;
  /** Tests: this host's name and the liveness probe. */
  host?: string;
  alive?: (pid: number) => boolean;
  now?: Date;
}

/** A run id as typed: 20261120T081502Z-3f9a (exit 2 otherwise, before anything is read). */
export function parseRunId(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!RUN_ID_PATTERN.test(text)) throw new UsageError(`"${String(value ?? '')}" is not a run id (like 20261120T081502Z-3f9a; nsx runs list shows them)`);
  return text;
}

/** The live holder of each integration's lock, read once per tenant and integration. */
function lockReader(o: HistoryOptions): (header: RunHeader) => LockHolder | undefined {
  const seen = new Map<string, LockHolder | undefined>();
  return (header) => {
    const key = `${header.tenant}\n${header.integration}`;
    if (!seen.has(key)) {
      const holder = liveLockHolder({ stateDir: o.stateDir, tenant: header.tenant, integration: header.integration, host: o.host ?? hostname(), alive: o.alive ?? isProcessAlive });
      seen.set(key, holder);
    }
    return seen.get(key);
  };
}

function statusOf(contents: JournalContents, holder: LockHolder | undefined): RunStatus {
  const end = contents.end;
  if (!end) return holder?.run_id === contents.header.run_id ? 'running' : 'interrupted';
  switch (end.outcome) {
    case 'completed':
    case 'superseded':
      return 'finished';
    case 'not_started':
      return end.exit_code === 0 ? 'finished' : 'failed';
    case 'interrupted':
      return 'interrupted';
    default:
      return 'failed';
  }
}

function lastAt(contents: JournalContents): string {
  for (let i = contents.records.length - 1; i >= 0; i--) {
    const r = contents.records[i]!;
    if ('at' in r && typeof r.at === 'string') return r.at;
  }
  return contents.header.started_at;
}

function summarize(contents: JournalContents, holder: LockHolder | undefined, now: Date): RunSummary {
  const h = contents.header;
  const status = statusOf(contents, holder);
  const end = contents.end;
  const until = status === 'running' ? now.getTime() : Date.parse(end?.at ?? lastAt(contents));
  const recoverRun = h.options.source === 'recover' || h.options.source === 'plan-in';
  return {
    run_id: h.run_id,
    status,
    pid: status === 'running' ? (holder?.pid ?? null) : null,
    tenant: h.tenant,
    integration: h.integration,
    source: h.options.source,
    user: h.user,
    host: status === 'running' ? (holder?.host ?? h.host) : h.host,
    started_at: h.started_at,
    ended_at: end?.at ?? null,
    duration_ms: Math.max(0, until - Date.parse(h.started_at)) || 0,
    outcome: end?.outcome ?? null,
    exit_code: end?.exit_code ?? null,
    message: end?.message ?? null,
    resumable: recoverRun && status !== 'running' && (end ? end.resumable : true),
    events: Math.max(h.plan_summary?.total ?? 0, contents.outcomes.size),
    results: countOutcomes(contents.outcomes.values()),
    journal: contents.path,
  };
}

function readable(path: string): JournalContents | undefined {
  try {
    return readJournal(path);
  } catch {
    return undefined; // not a journal (or unreadable): not a run
  }
}

/** The runs in the state dir, newest first, optionally of one integration, tenant or status. */
export function listRunHistory(o: HistoryOptions & { integration?: string; tenant?: string; status?: RunStatus }): RunSummary[] {
  const holderOf = lockReader(o);
  const now = o.now ?? new Date();
  const runs: RunSummary[] = [];
  for (const listing of scanRuns(o.stateDir, (h) => (o.integration === undefined || h.integration === o.integration) && (o.tenant === undefined || h.tenant === o.tenant))) {
    const contents = readable(listing.path);
    if (!contents) continue;
    const run = summarize(contents, holderOf(contents.header), now);
    if (o.status === undefined || run.status === o.status) runs.push(run);
  }
  return runs;
}

function findJournal(o: HistoryOptions, runId: string): JournalContents {
  const path = journalPath(o.stateDir, runId);
  let exists = false;
  try {
    exists = statSync(path).isFile();
  } catch {
    exists = false;
  }
  const contents = exists ? readable(path) : undefined;
  if (!contents) throw new NotFoundError(`no run ${runId} in ${runsDir(o.stateDir)}`, { hint: 'nsx runs list shows the runs kept on this machine' });
  return contents;
}

/** One run's summary (for resume), by id: exit 5 when it is not in the state dir. */
export function findRunSummary(o: HistoryOptions, runId: string): RunSummary {
  const contents = findJournal(o, runId);
  return summarize(contents, lockReader(o)(contents.header), o.now ?? new Date());
}

function eventDetail(r: EventRecord): string | null {
  if (r.error) return r.error;
  if (r.receiver_answer !== undefined) return `HTTP ${r.receiver_status ?? '?'}: ${r.receiver_answer}`;
  return null;
}

/** One run whole: plan, rules, per-event outcomes, phases. */
export function readRunDetail(o: HistoryOptions, runId: string): RunDetail {
  const contents = findJournal(o, runId);
  const summary = summarize(contents, lockReader(o)(contents.header), o.now ?? new Date());
  let plan: RecoverPlan | undefined;
  let planError: string | null = null;
  try {
    plan = readRunPlan(contents.header);
  } catch (error) {
    planError = (error as Error).message;
  }
  const counts = { total: 0, retry: 0, drop: 0, skip: 0 };
  for (const e of plan?.events ?? []) {
    counts.total++;
    counts[e.action]++;
  }
  return {
    ...summary,
    options: contents.header.options,
    plan_file: contents.header.plan_file,
    plan: plan ? { rules: plan.rules, ...counts, created_at: plan.created_at } : null,
    plan_error: planError,
    by_event: plan ? outcomesByEventName(plan, contents.outcomes) : [],
    event_outcomes: [...contents.outcomes.values()].map((r) => ({
      at: r.at,
      event_id: r.event_id,
      event_name: r.event_name,
      entity: r.entity,
      action: r.action,
      outcome: r.outcome,
      receiver_status: r.receiver_status,
      duration_ms: r.duration_ms,
      detail: eventDetail(r),
    })),
    in_flight: contents.inFlight,
    phases: contents.records.filter((r): r is PhaseRecord => r.type === 'phase').map((r) => ({ at: r.at, phase: r.phase })),
  };
}

/** A run prune would remove, and when its journal was last written. */
export interface PruneCandidate extends RunSummary {
  last_written_at: string;
}

/**
 * The runs whose journal was last written longer than `olderThanMs` ago; running ones are never among
 * them (an interrupted run is: after that long its events have moved on).
 */
export function pruneCandidates(o: HistoryOptions & { olderThanMs: number }): PruneCandidate[] {
  const cutoff = (o.now ?? new Date()).getTime() - o.olderThanMs;
  const found: PruneCandidate[] = [];
  for (const run of listRunHistory(o)) {
    if (run.status === 'running') continue;
    let mtime: number;
    try {
      mtime = statSync(run.journal).mtimeMs;
    } catch {
      continue;
    }
    if (mtime < cutoff) found.push({ ...run, last_written_at: new Date(mtime).toISOString() });
  }
  return found;
}

/** Removes a run's journal and plan file (the plan file nsx wrote beside it, never a path read from the journal). */
export function deleteRun(stateDir: string, runId: string): void {
  for (const path of [journalPath(stateDir, runId), planPath(stateDir, runId)]) {
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
