// The run journal: <state dir>/runs/<run-id>.jsonl (0600), one JSON line per step, written with writeSync
// as each step happens so that a crash or SIGKILL loses at most the line being written (the kernel keeps
// what was written even when the process dies). fsync, which only matters for a power loss and blocks for
// milliseconds, runs after the header and the end line only: a lost tail costs nothing but a repeat, since
// an event without a recorded outcome is sent again on resume (at-least-once) and a deleted one is gone.
// The plan itself sits beside it as <run-id>.plan.json, in the --plan-out format.
// Re-running recover finds the newest resumable run of the same tenant and integration and continues it.
import { closeSync, fsyncSync, readdirSync, readSync, fstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { currentUser } from './lock.js';
import { createExclusive, ensurePrivateDir, openForAppend, refuseLink, openForRead, readFileNoFollow, writeAll, writeFailure, writePrivateFileAtomic } from '../../config/secure-files.js';
import { NotFoundError, NsxError, UsageError } from '../../errors.js';
import { parsePlan, serializePlan, type PlanAction, type PlanCounts, type RecoverPlan } from './plan.js';
import type { RecoverResults } from './session.js';

export const JOURNAL_VERSION = 1;

/** What happened to one event. The first group is final; the others leave the event to do on resume. */
export const FINAL_OUTCOMES = ['delivered', 'delivered_gone', 'gone', 'deleted', 'deleted_gone', 'skipped'] as const;
export const RETRYABLE_OUTCOMES = ['rejected', 'error', 'held', 'interrupted'] as const;
export type EventOutcomeKind = (typeof FINAL_OUTCOMES)[number] | (typeof RETRYABLE_OUTCOMES)[number];

export function isFinalOutcome(outcome: EventOutcomeKind): boolean {
  return (FINAL_OUTCOMES as readonly string[]).includes(outcome);
}

export interface RunOptionsRecord {
  concurrency: number;
  on_error: 'stop' | 'skip';
  rate_per_second: number | null;
  /** `--concurrency auto`: the level adapts (then `concurrency` is --max-concurrency). Absent = fixed. */
  adaptive?: boolean;
  /** Where the plan came from: built now, --plan-in, triage actions, or `rejected retry/delete`. */
  source: 'recover' | 'plan-in' | 'triage' | 'rejected';
}

export interface RunHeader {
  type: 'run';
  version: number;
  run_id: string;
  tenant: string;
  integration: string;
  started_at: string;
  user: string;
  host: string;
  pid: number;
  plan_file: string;
  plan_summary: PlanCounts & { by_event: Record<string, PlanCounts> };
  options: RunOptionsRecord;
}

/** Written just before an event's call, so a journal shows what was in flight at a crash. */
export interface SendRecord {
  type: 'send';
  at: string;
  event_id: string;
  action: PlanAction;
}

export interface EventRecord {
  type: 'event';
  at: string;
  user: string; // user@host
  tenant: string;
  integration: string;
  event_id: string;
  event_name: string;
  entity: string;
  action: PlanAction;
  outcome: EventOutcomeKind;
  receiver_status: number | null;
  /** The receiver's answer (truncated) when it did not accept the event. */
  receiver_answer?: string;
  /** The API error, when the call itself failed. */
  error?: string;
  /** How many times the call was sent, when more than once (a repeat after an outcome nsx could not know). */
  sends?: number;
  /** Listings read to learn what a send with an unknown outcome did (instead of sending it again). */
  reads?: number;
  /** True when no answer told what became of the last send (a timeout, a reset after sending, a 5xx). */
  outcome_unknown?: boolean;
  duration_ms: number;
}

export interface PhaseRecord {
  type: 'phase';
  at: string;
  phase: 'apply' | 'gate' | 'start' | 'verify' | 'resume';
  detail?: Record<string, unknown>;
}

/** `--concurrency auto` changed the number of calls in flight (src/workflows/pace/adaptive.ts). */
export interface LevelRecord {
  type: 'level';
  at: string;
  level: number;
  from: number;
  reason: 'start' | 'grow' | 'throttled' | 'latency';
  detail: string;
}

export type EndOutcome = 'completed' | 'not_started' | 'stopped_on_error' | 'interrupted' | 'failed' | 'gate_refused' | 'verify_failed' | 'error' | 'superseded';

export interface EndRecord {
  type: 'end';
  at: string;
  outcome: EndOutcome;
  /** A re-run continues this run (interrupted, stopped on an error, or crashed before writing this line). */
  resumable: boolean;
  exit_code: number;
  message?: string;
  /** The whole run's counts when it ended (as the report gives them): delivered, deleted, gone, failed, ... */
  results?: RecoverResults;
}

export type JournalRecord = RunHeader | SendRecord | EventRecord | PhaseRecord | LevelRecord | EndRecord;

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

/** Sortable and short: 20261120T081502Z-3f9a. */
export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

export function journalPath(stateDir: string, runId: string): string {
  return join(runsDir(stateDir), `${runId}.jsonl`);
}
export function planPath(stateDir: string, runId: string): string {
  return join(runsDir(stateDir), `${runId}.plan.json`);
}

/** Writes (or replaces, for triage, whose plan grows with each decision) the plan file of a run. */
export function writeRunPlan(stateDir: string, runId: string, plan: RecoverPlan): string {
  ensurePrivateDir(runsDir(stateDir), stateDir);
  const file = planPath(stateDir, runId);
  writePrivateFileAtomic(file, serializePlan(plan), stateDir);
  return file;
}

export class JournalWriter {
  private closed = false;
  /** A write failed (a full disk): nothing more is written, not even the end line; the run stays resumable. */
  private failed = false;
  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  /** Writes the plan file, then creates the journal with its header line. */
  /**
   * A new run's journal and plan file. The header's who, where and which process (user, host, pid) are
   * filled in here, the same for recover and triage, unless given (tests).
   */
  static create(stateDir: string, run: Omit<RunHeader, 'type' | 'version' | 'plan_file' | 'user' | 'host' | 'pid'> & Partial<Pick<RunHeader, 'user' | 'host' | 'pid'>>, plan: RecoverPlan): JournalWriter {
    const header = { user: currentUser(), host: hostname(), pid: process.pid, ...run };
    const planFile = writeRunPlan(stateDir, header.run_id, plan);
    const path = journalPath(stateDir, header.run_id);
    const fd = createExclusive(path);
    const writer = new JournalWriter(path, fd);
    writer.append({ type: 'run', version: JOURNAL_VERSION, plan_file: planFile, ...header }, true);
    return writer;
  }

  /** Appends to an existing run's journal (resume). */
  static reopen(path: string): JournalWriter {
    const writer = new JournalWriter(path, openForAppend(path));
    // A torn last line (killed, or a full disk, mid-write) must not swallow the first line appended now.
    const size = fstatSync(writer.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = openForRead(path);
      try {
        readSync(rfd, last, 0, 1, size - 1);
      } finally {
        closeSync(rfd);
      }
      if (last[0] !== 0x0a) writer.write('\n');
    }
    return writer;
  }

  append(record: JournalRecord, sync = false): void {
    if (this.closed) return;
    this.write(`${JSON.stringify(record)}\n`);
    if (sync) {
      try {
        fsyncSync(this.fd);
      } catch (error) {
        this.failed = true;
        throw writeFailure(error, this.path);
      }
    }
  }

  private write(text: string): void {
    if (this.failed) throw new Error(`internal: ${this.path} is not written after a failed write`);
    try {
      writeAll(this.fd, text, this.path);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  close(end?: Omit<EndRecord, 'type' | 'at'>): void {
    if (this.closed) return;
    try {
      if (!this.failed) {
        if (end) this.append({ type: 'end', at: new Date().toISOString(), ...end }, true);
        else fsyncSync(this.fd);
      }
    } finally {
      closeSync(this.fd);
      this.closed = true;
    }
  }
}

export interface JournalContents {
  path: string;
  header: RunHeader;
  records: JournalRecord[];
  /** The last end record, if the journal's last complete line is one. */
  end: EndRecord | undefined;
  /** The latest outcome of each event. */
  outcomes: Map<string, EventRecord>;
  /** Events sent whose outcome was never written (in flight at a crash). */
  inFlight: string[];
}

function parseLines(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // a torn last line (killed mid-write): everything before it stands
    }
  }
  return records;
}

export function readJournal(path: string): JournalContents {
  const records = parseLines(readFileNoFollow(path));
  const header = records[0];
  if (!header || header.type !== 'run') throw new UsageError(`${path} is not an nsx run journal`);
  const outcomes = new Map<string, EventRecord>();
  const sent = new Set<string>();
  for (const r of records) {
    if (r.type === 'send') sent.add(r.event_id);
    else if (r.type === 'event') {
      outcomes.set(r.event_id, r);
      sent.delete(r.event_id);
    }
  }
  const last = records[records.length - 1];
  return { path, header, records, end: last?.type === 'end' ? last : undefined, outcomes, inFlight: [...sent] };
}

export function readRunPlan(header: RunHeader): RecoverPlan {
  let text: string;
  try {
    text = readFileNoFollow(header.plan_file);
  } catch (error) {
    if (error instanceof NsxError) throw error;
    throw new NotFoundError(`the plan of run ${header.run_id} (${header.plan_file}) cannot be read: ${(error as Error).message}`);
  }
  return parsePlan(text, header.plan_file);
}

/** The first line of a journal (its header) without reading the rest. */
function readHeaderLine(path: string): RunHeader | undefined {
  const fd = openForRead(path);
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    const header = JSON.parse(nl >= 0 ? text.slice(0, nl) : text) as RunHeader;
    return header.type === 'run' ? header : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The last complete line of a journal, to see whether the run ended (without reading all of it). */
function readLastRecord(path: string): JournalRecord | undefined {
  const fd = openForRead(path);
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 16 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
    const last = lines[lines.length - 1];
    if (!last) return undefined;
    try {
      return JSON.parse(last) as JournalRecord;
    } catch {
      return undefined; // torn: the run did not end cleanly
    }
  } finally {
    closeSync(fd);
  }
}

export interface RunListing {
  path: string;
  header: RunHeader;
  /** How the run ended, if it did. */
  end: EndRecord | undefined;
  resumable: boolean;
}

/** The runs of one tenant and integration, newest first. */
export function listRuns(stateDir: string, tenant: string, integration: string): RunListing[] {
  return scanRuns(stateDir, (header) => header.tenant === tenant && header.integration === integration);
}

/** Every run in the state dir (of any tenant and integration, unless `keep` says otherwise), newest first. */
export function scanRuns(stateDir: string, keep: (header: RunHeader) => boolean = () => true): RunListing[] {
  let names: string[];
  refuseLink(stateDir, 'dir');
  refuseLink(runsDir(stateDir), 'dir');
  try {
    names = readdirSync(runsDir(stateDir)).filter((n) => n.endsWith('.jsonl'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: RunListing[] = [];
  for (const name of names.sort().reverse()) {
    const path = join(runsDir(stateDir), name);
    const header = readHeaderLine(path);
    if (!header || !keep(header)) continue;
    const last = readLastRecord(path);
    const end = last?.type === 'end' ? last : undefined;
    runs.push({ path, header, end, resumable: end ? end.resumable : true });
  }
  return runs;
}

const MEASURED_OUTCOMES: ReadonlySet<string> = new Set(['delivered', 'rejected', 'deleted', 'error']);

/** Round trips of retry and delete calls that earlier runs recorded: what a plan's estimate builds on. */
export interface MeasuredCalls {
  /** Median milliseconds of one call, by action, when any was measured. */
  retryMs: number | undefined;
  dropMs: number | undefined;
  samples: number;
}

/**
 * The median recorded duration of the newest retry and delete calls (up to `limit` of each) of this
 * tenant and integration, read from the newest few journals. Only whole calls count (delivered,
 * rejected, deleted, an API error): held-back and skipped events made none, and a "gone" 404 or an
 * interrupted call is not the round trip the next call will take.
 */
export function measuredCallTimes(stateDir: string, tenant: string, integration: string, limit = 200): MeasuredCalls {
  const retry: number[] = [];
  const drop: number[] = [];
  for (const run of listRuns(stateDir, tenant, integration).slice(0, 5)) {
    let records: JournalRecord[];
    try {
      records = parseLines(readFileNoFollow(run.path));
    } catch {
      continue;
    }
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i]!;
      if (r.type !== 'event' || !(r.duration_ms > 0) || !MEASURED_OUTCOMES.has(r.outcome)) continue;
      if (r.action === 'retry' && retry.length < limit) retry.push(r.duration_ms);
      if (r.action === 'drop' && drop.length < limit) drop.push(r.duration_ms);
    }
    if (retry.length >= limit && drop.length >= limit) break;
  }
  const median = (xs: number[]): number | undefined => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);
  return { retryMs: median(retry), dropMs: median(drop), samples: retry.length + drop.length };
}

/**
 * The newest recover run of this tenant and integration that a plain re-run continues, if any. Triage
 * sessions and `rejected retry/delete` runs are not continued by recover: a person chose their events.
 */
export function findResumableRun(stateDir: string, tenant: string, integration: string): RunListing | undefined {
  const newest = listRuns(stateDir, tenant, integration).find((r) => r.header.options.source === 'recover' || r.header.options.source === 'plan-in');
  return newest?.resumable ? newest : undefined;
}

/** A run named by --resume: it must exist and belong to this tenant and integration. */
export function findRun(stateDir: string, runId: string, tenant: string, integration: string): RunListing {
  if (!RUN_ID_PATTERN.test(runId)) throw new UsageError(`--resume: "${runId}" is not a run id (like 20261120T081502Z-3f9a)`);
  const run = listRuns(stateDir, tenant, integration).find((r) => r.header.run_id === runId);
  if (!run) {
    throw new NotFoundError(`no run ${runId} of ${integration} (tenant ${tenant}) in ${runsDir(stateDir)}`);
  }
  return run;
}
