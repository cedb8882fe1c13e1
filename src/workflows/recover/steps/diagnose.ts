// Step 1 of recover: the context. The integration, its newest log entries and every rejected event it
// holds, and from those why it stopped.
import type { EventStreamApi } from '../../../api/eventstream.js';
import type { Integration, LogEntry, RejectedEvent } from '../../../api/schemas.js';
import { integrationIsRunning } from '../../../api/schemas.js';
import { listAllRejected } from '../../rejected/listing.js';
import type { RecoverEvent } from '../run-recover.js';
import { classifyStop, type StopDiagnosis } from '../stop-reason.js';

export type EmitRecoverEvent = (event: RecoverEvent) => void | Promise<void>;

export interface DiagnoseResult {
  integration: Integration;
  /** Every rejected event on the server, in the listing's order. */
  rejected: RejectedEvent[];
  diagnosis: StopDiagnosis;
}

const LOG_ENTRIES_READ = 20;

async function firstLogEntries(api: Pick<EventStreamApi, 'logs'>, id: string, signal: AbortSignal): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of api.logs(id, { pageSize: LOG_ENTRIES_READ, signal })) {
    entries.push(entry);
    if (entries.length >= LOG_ENTRIES_READ) break;
  }
  return entries;
}

export async function diagnose(
  api: Pick<EventStreamApi, 'getIntegration' | 'logs' | 'rejectedEvents'>,
  id: string,
  options: {
    signal: AbortSignal;
    /** Pages of rejected events read at once (listingParallelism). */
    parallel: number;
    /** Runs once the integration and its log are read, before the listing (a dry run says who holds the lock here). */
    afterContext?: () => void | Promise<void>;
  },
  emit: EmitRecoverEvent,
): Promise<DiagnoseResult> {
  // The three reads are independent: sent at once, they cost one round trip instead of three. The listing
  // is abandoned when the integration or its log cannot be read (that error is the one to tell).
  const listing = new AbortController();
  const signal = AbortSignal.any([options.signal, listing.signal]);
  const rejectedRead = listAllRejected(api, id, { signal, parallel: options.parallel });
  rejectedRead.catch(() => undefined); // awaited below; an early failure of the others must not leave it unhandled
  let integration: Integration;
  let logs: LogEntry[];
  try {
    [integration, logs] = await Promise.all([api.getIntegration(id), firstLogEntries(api, id, options.signal)]);
  } catch (error) {
    listing.abort();
    throw error;
  }
  await options.afterContext?.();
  await emit({ type: 'reading' });
  let rejected: RejectedEvent[];
  try {
    rejected = await rejectedRead;
  } finally {
    await emit({ type: 'read' });
  }
  const diagnosis = classifyStop(integration, logs, rejected.length);
  await emit({ type: 'diagnosis', diagnosis, integration });
  return { integration, rejected, diagnosis };
}

/** A temporary replay that finished its window has nothing left to deliver: it is never started again. */
export function startWanted(diagnosis: StopDiagnosis, startFlag: boolean): boolean {
  return startFlag && diagnosis.kind !== 'replay_finished';
}

/**
 * Why there is nothing to do (the words after the integration's id), or undefined when there is: a
 * running integration or a finished replay with no rejected events, and no saved plan to apply.
 */
export function nothingToDo(d: DiagnoseResult, planIn: boolean): string | undefined {
  if (planIn || d.rejected.length > 0) return undefined;
  if (integrationIsRunning(d.integration)) return 'is running with no rejected events';
  if (d.diagnosis.kind === 'replay_finished') return 'is a finished replay with no rejected events';
  return undefined;
}
