// Following an import job until NewStore says finished or failed, polling with back-off (a first look after
// a quarter second for quick jobs, then every 10 s at most for the ones that queue for minutes).
import type { ApiClient } from '../../api/client.js';
import { statusIs, type ImportError, type ImportJob } from '../../api/schemas.js';
import { ApiError, InterruptedError } from '../../errors.js';
import { sleep } from '../../timers.js';
import { nsxCommand } from '../../hints.js';

export const TERMINAL_IMPORT_STATES = ['finished', 'failed'] as const;
/** Per-item errors kept from a failed job. */
export const SHOWN_IMPORT_ERRORS = 20;

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 10_000;

export interface WaitHooks {
  /** Each answer while waiting: the job and how long it has been waited for. */
  polled?(job: ImportJob, waitedMs: number): void;
}

export interface WaitOutcome {
  job: ImportJob;
  /** The first SHOWN_IMPORT_ERRORS per-item errors of a failed job. */
  errors: ImportError[];
  errorsTotal: number;
  /** Why the item errors could not be read (the job failed all the same); unset when they were, or the endpoint is absent. */
  errorsUnreadable?: string;
  timedOut: boolean;
}

export function isTerminal(state: string): boolean {
  return TERMINAL_IMPORT_STATES.some((s) => statusIs(state, s));
}

export async function waitForImport(
  client: ApiClient,
  importId: string,
  options: { deadline: number; signal?: AbortSignal | undefined },
  hooks: WaitHooks = {},
): Promise<WaitOutcome> {
  const started = Date.now();
  let delay = FIRST_POLL_MS;
  try {
    for (;;) {
      const job = await client.imports.getImport(importId);
      hooks.polled?.(job, Date.now() - started);
      if (isTerminal(job.state)) return { job, ...(statusIs(job.state, 'failed') ? await failedItems(client, importId) : { errors: [], errorsTotal: 0 }), timedOut: false };
      const left = options.deadline - Date.now();
      if (left <= 0) return { job, errors: [], errorsTotal: 0, timedOut: true };
      await sleep(Math.min(delay, left), options.signal);
      delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.6));
    }
  } catch (error) {
    if (options.signal?.aborted) {
      throw new InterruptedError(`stopped waiting for import ${importId}; NewStore goes on with it`, { hint: `follow it with: ${nsxCommand('stock', 'status', importId, '--wait')}` });
    }
    throw error;
  }
}

/**
 * The first per-item errors; none when the (assumed) errors endpoint is not there (404). Any other
 * failure leaves them out too, but says why: a job's failure must not hide behind unreadable errors.
 */
export async function failedItems(client: ApiClient, importId: string): Promise<{ errors: ImportError[]; errorsTotal: number; errorsUnreadable?: string }> {
  try {
    const all = await client.imports.importErrors(importId);
    return { errors: all.slice(0, SHOWN_IMPORT_ERRORS), errorsTotal: all.length };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { errors: [], errorsTotal: 0 };
    return { errors: [], errorsTotal: 0, errorsUnreadable: error instanceof Error ? error.message : String(error) };
  }
}
