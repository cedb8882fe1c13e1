// Why an integration stopped, from its status and its newest log entries (step 1 of recover). NewStore's log
// wording is not documented, so the classification looks for the few words any such message must carry
// (limit + rejected, delivery failures, finished window, start/stop) and says "probably" when it guesses.
import { integrationIsRunning, integrationStatusUnknown, type Integration, type LogEntry } from '../../api/schemas.js';

export const STOP_KINDS = ['running', 'rejected_limit', 'delivery_failures', 'stopped_by_user', 'replay_finished', 'unknown'] as const;
export type StopKind = (typeof STOP_KINDS)[number];

export interface StopDiagnosis {
  kind: StopKind;
  /** One sentence for people. */
  summary: string;
  /** The log entry the diagnosis rests on, if any. */
  entry?: LogEntry;
}

type LogSignal = 'rejected_limit' | 'delivery_failures' | 'replay_finished' | 'stopped_by_user' | 'started';

/** What one log entry says about the integration's state, if anything. */
export function logSignal(entry: Pick<LogEntry, 'message' | 'level'>): LogSignal | undefined {
  const m = entry.message.toLowerCase();
  if (/\blimit\b/.test(m) && /reject/.test(m) && /stop/.test(m)) return 'rejected_limit';
  if (/(finished|window (is )?over|ended|by itself|completed)/.test(m) && /(temporary|replay|window)/.test(m)) return 'replay_finished';
  if (/stop/.test(m) && /(deliver|attempt|fail|could not write|bucket|unreachable|timed? ?out)/.test(m)) return 'delivery_failures';
  if (/stop/.test(m) && /(user|manual|request|_stop|api|by )/.test(m)) return 'stopped_by_user';
  if (/\b(started|resumed|registered)\b/.test(m) && !/stop/.test(m)) return 'started';
  return undefined;
}

/** The log entry as a quote for people: `log 2026-11-20T08:12:40Z: "stopped: ..."`. */
export function quoteEntry(entry: LogEntry): string {
  return `log ${entry.created_at.replace(/\.\d+Z$/, 'Z')}: "${entry.message}"`;
}

/**
 * Pure: the diagnosis for an integration given its newest log entries (newest first, as the API lists
 * them) and how many rejected events it holds.
 */
export function classifyStop(
  integration: Pick<Integration, 'id' | 'status' | 'integration_type' | 'ends_at'>,
  recentLogs: readonly LogEntry[],
  rejectedCount: number,
  now: Date = new Date(),
): StopDiagnosis {
  const id = integration.id;
  const waiting = rejectedCount === 1 ? '1 rejected event is waiting' : `${rejectedCount} rejected events are waiting`;
  if (integrationIsRunning(integration)) {
    return {
      kind: 'running',
      summary: rejectedCount === 0 ? `${id} is running and holds no rejected events: nothing to recover.` : `${id} is running; ${waiting}.`,
    };
  }
  const entryIndex = recentLogs.findIndex((e) => logSignal(e) !== undefined);
  const entry = entryIndex >= 0 ? recentLogs[entryIndex] : undefined;
  const signal = entry ? logSignal(entry) : undefined;
  if (integrationStatusUnknown(integration)) {
    // A status nsx does not know ("failed", "paused", null, a number): named as it came. Only a log entry
    // that says the integration stopped by itself is taken as the cause; nothing is guessed.
    const status = `has status ${integration.status === undefined ? '(none)' : JSON.stringify(integration.status)}, which nsx does not know (it knows running and stopped)`;
    const automatic = signal === 'rejected_limit' || signal === 'delivery_failures' || signal === 'replay_finished';
    return {
      kind: automatic ? signal : 'unknown',
      ...(automatic && entry ? { entry } : {}),
      summary: automatic
        ? `${id} ${status}; its log says it stopped ${signal === 'rejected_limit' ? 'at the rejected-events limit' : signal === 'delivery_failures' ? 'after repeated delivery failures' : 'at the end of its replay window'}; ${waiting}.`
        : `${id} ${status}; its recent log does not say why; ${waiting}.`,
    };
  }
  const temporaryOver =
    integration.integration_type === 'temporary' && integration.ends_at && Date.parse(integration.ends_at) <= now.getTime();
  switch (signal) {
    case 'rejected_limit':
      // After a recover --no-start the limit's log entry is still the newest stop, but nothing waits.
      if (rejectedCount === 0) {
        return { kind: 'rejected_limit', entry: entry!, summary: `${id} is stopped (it had reached the rejected-events limit); its rejected events have all been handled: it only needs starting.` };
      }
      return { kind: 'rejected_limit', entry: entry!, summary: `${id} stopped at the rejected-events limit; ${waiting}.` };
    case 'delivery_failures':
      return {
        kind: 'delivery_failures',
        entry: entry!,
        summary: `${id} stopped after repeated delivery failures (the receiver did not answer 2xx or 400); ${waiting}.`,
      };
    case 'replay_finished':
      return { kind: 'replay_finished', entry: entry!, summary: `${id} is a temporary replay that finished its window and stopped by itself; ${waiting}.` };
    case 'stopped_by_user':
      return { kind: 'stopped_by_user', entry: entry!, summary: `${id} was stopped by a user or an API call; ${waiting}.` };
    default:
      if (temporaryOver) {
        return { kind: 'replay_finished', summary: `${id} is a temporary replay whose window ended at ${integration.ends_at}; ${waiting}.` };
      }
      // No automatic stop in the recent log (or a start after it): the likely cause is a manual _stop.
      return {
        kind: signal === 'started' ? 'stopped_by_user' : 'unknown',
        ...(entry ? { entry } : {}),
        summary:
          signal === 'started'
            ? `${id} is stopped and its log records no automatic stop since it last started: probably stopped by a user; ${waiting}.`
            : `${id} is stopped and its recent log does not say why (probably stopped by a user); ${waiting}.`,
      };
  }
}
