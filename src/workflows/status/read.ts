// What `nsx status` reads about every integration of one tenant, in few round trips: the list (one
// request), then at once, for every integration, its rejected-events count (the envelope's total of a
// one-item page) and its newest log entries (one page), plus ONE published-events read of the whole
// tenant's last hour (src/workflows/events/read.ts, split only when the answer is full), summed per
// integration here. Requests in flight are bounded (STATUS_CONCURRENCY, below the HTTP pool's 64
// connections) so that one wave never queues behind the pool: 25 integrations cost about three round trips.
import type { EventStreamApi } from '../../api/eventstream.js';
import { publishedEventStatus, statusIs, type Integration, type LogEntry } from '../../api/schemas.js';
import { attemptedAt, readPublishedEvents } from '../events/read.js';

/** Requests in flight at once (the HTTP client's pool holds 64 connections per host). */
export const STATUS_CONCURRENCY = 56;
/** The window of the failure rate and the last successful publish. */
export const STATUS_WINDOW_MS = 3_600_000;
/** Log entries read to find the newest error line. */
export const STATUS_LOG_PAGE = 20;

export interface IntegrationStatus {
  id: string;
  status: string;
  type: string;
  integration: Integration;
  /** undefined: the answer told no total (there is at least one when rejected_any). */
  rejected: number | undefined;
  rejected_any: boolean;
  /** From the integration's answer when it carries one (NewStore documents none). */
  rejected_limit: number | undefined;
  last_error: { message: string; at: string; age_ms: number } | undefined;
  last_success_at: string | undefined;
  published_success: number;
  published_failure: number;
  /** failures / (successes + failures) in the last hour; null without attempts. */
  failure_rate: number | null;
  /** A read about this integration failed (the others are still shown). */
  read_error: string | undefined;
  /** Why a human is needed (empty: nothing to do). */
  attention: string[];
}

export interface StatusOptions {
  now?: number;
  maxFailureRate: number;
  signal?: AbortSignal;
  concurrency?: number;
}

/** Runs the tasks with at most `limit` in flight. */
export async function bounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function rejectedLimitOf(i: Integration): number | undefined {
  const v = (i as Record<string, unknown>).rejected_limit;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Every integration's status, sorted with those that need a human first (then by id). */
export async function readTenantStatus(api: EventStreamApi, options: StatusOptions): Promise<IntegrationStatus[]> {
  const now = options.now ?? Date.now();
  const integrations = await api.listIntegrations();
  const signal = options.signal;
  const perId = new Map<string, { success: number; failure: number; lastSuccess: number }>();
  const readPublished = async (): Promise<void> => {
    for await (const e of readPublishedEvents(api, { from: now - STATUS_WINDOW_MS, to: now + 1 }, {}, signal ? { signal } : {})) {
      const id = typeof e.integration_id === 'string' ? e.integration_id : undefined;
      if (!id) continue;
      const s = perId.get(id) ?? { success: 0, failure: 0, lastSuccess: Number.NEGATIVE_INFINITY };
      const status = publishedEventStatus(e);
      if (status === 'success') {
        s.success++;
        const at = attemptedAt(e);
        if (at > s.lastSuccess) s.lastSuccess = at;
      } else if (status === 'failure') s.failure++;
      perId.set(id, s);
    }
  };
  type Part = { rejected?: { count: number | undefined; any: boolean }; logs?: LogEntry[]; error?: string };
  const parts = new Map<string, Part>(integrations.map((i) => [i.id, {}]));
  let publishedError: string | undefined;
  const tasks: (() => Promise<void>)[] = [
    () => readPublished().catch((e: unknown) => void (publishedError = errorText(e))),
    ...integrations.flatMap((i) => {
      const part = parts.get(i.id)!;
      return [
        () => api.rejectedCount(i.id, signal ? { signal } : {}).then((r) => void (part.rejected = r), (e: unknown) => void (part.error ??= `rejected events: ${errorText(e)}`)),
        () => api.recentLogs(i.id, STATUS_LOG_PAGE, signal ? { signal } : {}).then((l) => void (part.logs = l), (e: unknown) => void (part.error ??= `logs: ${errorText(e)}`)),
      ];
    }),
  ];
  await bounded(tasks, options.concurrency ?? STATUS_CONCURRENCY);
  signal?.throwIfAborted();
  const rows = integrations.map((i): IntegrationStatus => {
    const part = parts.get(i.id)!;
    const pub = perId.get(i.id) ?? { success: 0, failure: 0, lastSuccess: Number.NEGATIVE_INFINITY };
    const errorLog = part.logs?.find((l) => l.level.toLowerCase() === 'error');
    const total = pub.success + pub.failure;
    const row: IntegrationStatus = {
      id: i.id,
      status: typeof i.status === 'string' ? i.status : i.status === undefined || i.status === null ? '(none)' : JSON.stringify(i.status),
      type: i.integration_type ?? (i.ends_at ? 'temporary' : 'permanent'),
      integration: i,
      rejected: part.rejected?.count,
      rejected_any: part.rejected?.any ?? false,
      rejected_limit: rejectedLimitOf(i),
      last_error: errorLog ? { message: errorLog.message, at: errorLog.created_at, age_ms: Math.max(0, now - Date.parse(errorLog.created_at)) } : undefined,
      last_success_at: Number.isFinite(pub.lastSuccess) ? new Date(pub.lastSuccess).toISOString() : undefined,
      published_success: pub.success,
      published_failure: pub.failure,
      failure_rate: total === 0 ? null : pub.failure / total,
      read_error: part.error ?? (publishedError ? `published events: ${publishedError}` : undefined),
      attention: [],
    };
    if (!statusIs(i.status, 'running')) row.attention.push(`not running (${row.status})`);
    if (row.rejected_any) row.attention.push(`${row.rejected ?? 'some'} rejected event${row.rejected === 1 ? '' : 's'} waiting`);
    if (row.failure_rate !== null && row.failure_rate > options.maxFailureRate) row.attention.push(`failure rate ${(row.failure_rate * 100).toFixed(1)}% over ${(options.maxFailureRate * 100).toFixed(1)}%`);
    if (row.read_error) row.attention.push(`could not read: ${row.read_error}`);
    return row;
  });
  return rows.sort((a, b) => Number(b.attention.length > 0) - Number(a.attention.length > 0) || b.attention.length - a.attention.length || a.id.localeCompare(b.id));
}
