// After apply: the gate (steps 7) re-lists the rejected events until two listings agree, so a start is
// never decided on a listing taken while the server was still settling; then start and watch (step 8):
// the status and the new log entries for a while, to catch the integration stopping again.
import type { Integration, LogEntry, RejectedEvent } from '../../api/schemas.js';
import { integrationIsRunning, statusIs, statusName } from '../../api/schemas.js';
import { pause } from '../../timers.js';
import { listAllRejected } from '../rejected/listing.js';

/** The reads the gate and the watch need (EventStreamApi has them). */
export interface IntegrationReads {
  getIntegration(id: string): Promise<Integration>;
  rejectedEvents(id: string, options?: { parallel?: number; signal?: AbortSignal }): AsyncGenerator<RejectedEvent>;
  logs(id: string, options?: { pageSize?: number; signal?: AbortSignal }): AsyncGenerator<LogEntry>;
  startIntegration(id: string): Promise<void>;
}

export interface GateResult {
  /** The rejected events still on the server (the last listing). */
  remaining: RejectedEvent[];
  /** Two consecutive listings agreed. */
  stable: boolean;
  listings: number;
}

function sameIds(a: readonly RejectedEvent[], b: readonly RejectedEvent[]): boolean {
  if (a.length !== b.length) return false;
  const ids = new Set(a.map((e) => e.id));
  return b.every((e) => ids.has(e.id));
}

export async function gate(
  api: Pick<IntegrationReads, 'rejectedEvents'>,
  id: string,
  options: { intervalMs?: number; maxListings?: number; parallel?: number; signal?: AbortSignal } = {},
): Promise<GateResult> {
  const interval = options.intervalMs ?? 100;
  const max = Math.max(2, options.maxListings ?? 6);
  const listing = { signal: options.signal, parallel: options.parallel ?? 1 };
  let previous = await listAllRejected(api, id, listing);
  for (let n = 2; n <= max; n++) {
    await pause(interval, options.signal);
    const current = await listAllRejected(api, id, listing);
    if (sameIds(previous, current)) return { remaining: current, stable: true, listings: n };
    previous = current;
  }
  return { remaining: previous, stable: false, listings: max };
}

export interface WatchResult {
  status: string;
  /** Stopped again during the watch. */
  stopped: boolean;
  /** Rejected events that appeared during the watch (not on the server when it started). */
  newRejections: RejectedEvent[];
  /** Warning and error log entries written during the watch, oldest first. */
  problems: LogEntry[];
  /** The entry that explains a stop, if one was written. */
  stopEntry: LogEntry | undefined;
  watchedMs: number;
}

/** New log entries since `sinceMs` (the list is newest first, so reading stops at the first older one). */
async function newLogEntries(api: Pick<IntegrationReads, 'logs'>, id: string, sinceMs: number, seen: Set<string>, signal?: AbortSignal): Promise<LogEntry[]> {
  const fresh: LogEntry[] = [];
  for await (const entry of api.logs(id, { pageSize: 50, ...(signal ? { signal } : {}) })) {
    const t = Date.parse(entry.created_at);
    if (!Number.isNaN(t) && t < sinceMs) break;
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    fresh.push(entry);
    if (fresh.length >= 500) break;
  }
  return fresh.reverse();
}

/**
 * Watches a (just started) integration for `durationMs`: polls its status, its new log entries and its
 * rejected events; ends early when it stops. `knownRejected` are the ids on the server before the start.
 */
export async function watchIntegration(
  api: Pick<IntegrationReads, 'getIntegration' | 'logs' | 'rejectedEvents'>,
  id: string,
  options: { durationMs: number; sinceMs: number; knownRejected: Iterable<string>; pollMs?: number; signal?: AbortSignal; onTick?: (elapsedMs: number) => void },
): Promise<WatchResult> {
  const started = Date.now();
  const poll = options.pollMs ?? 1000;
  const known = new Set(options.knownRejected);
  const seenLogs = new Set<string>();
  const problems: LogEntry[] = [];
  const newRejections = new Map<string, RejectedEvent>();
  // Server clocks drift: take log entries from a little before the start too, minus those seen before.
  const sinceMs = options.sinceMs - 2000;
  let status = 'unknown';
  let stopEntry: LogEntry | undefined;
  for (;;) {
    // One poll is three independent reads, sent at once (one round trip, not three).
    const [integration, entries, rejected] = await Promise.all([
      api.getIntegration(id),
      newLogEntries(api, id, sinceMs, seenLogs, options.signal),
      listAllRejected(api, id, { signal: options.signal }),
    ]);
    status = statusName(integration.status);
    for (const entry of entries) {
      if (Date.parse(entry.created_at) < options.sinceMs - 2000) continue;
      if (entry.level !== 'info') problems.push(entry);
      if (/stop/i.test(entry.message) && entry.level !== 'info') stopEntry = entry;
    }
    for (const ev of rejected) if (!known.has(ev.id)) newRejections.set(ev.id, ev);
    const elapsed = Date.now() - started;
    options.onTick?.(elapsed);
    if (!integrationIsRunning(integration) || newRejections.size > 0 || elapsed >= options.durationMs || options.signal?.aborted) break;
    await pause(Math.min(poll, options.durationMs - elapsed), options.signal);
  }
  return {
    status,
    stopped: !statusIs(status, 'running'),
    newRejections: [...newRejections.values()],
    problems,
    stopEntry,
    watchedMs: Date.now() - started,
  };
}

/**
 * Pages of rejected events read at once: the run's concurrency, at most 8 (a listing is a burst of reads
 * that --rate does not pace), and one at a time when the user asked for a gentle --rate.
 */
export function listingParallelism(concurrency: number, ratePerSecond: number | undefined): number {
  return ratePerSecond ? 1 : Math.max(1, Math.min(concurrency, 8));
}
