// Step 8 (continued) of recover: watch the started integration for --watch, to catch it stopping again or
// new rejected events; then read what NewStore published for it since the start (contract §2, published
// events) and, with --max-failure-rate, end with exit 6 when too many of those attempts failed. Say how the
// run ended.
import { ExitCode, PartialFailureError } from '../../../errors.js';
import { nsxCommand } from '../../../hints.js';
import { formatDuration } from '../../../input/time.js';
import type { JournalWriter } from '../journal.js';
import { publishedEventStatus } from '../../../api/schemas.js';
import { readPublishedEvents, type PublishedEventsReader } from '../../events/read.js';
import type { PublishedFigures, RecoverEnding } from '../run-recover.js';
import { watchIntegration, type IntegrationReads, type WatchResult } from '../verify.js';
import type { EmitRecoverEvent } from './diagnose.js';

export type WatchStepResult =
  | { kind: 'interrupted'; statusAfter: string }
  /** remaining: the events rejected after the watch (the gate's and the new ones). */
  | { kind: 'ended'; end: RecoverEnding; statusAfter: string; remaining: number; watch: WatchResult; published: PublishedFigures | undefined };

/** "12.5%" */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)}%`;
}

/**
 * Every published-events attempt of `id` in [sinceMs, untilMs), counted. SUCCESS and FAILURE are counted
 * as such; an attempt of another status counts in `attempts` only. failure_rate: failed / (succeeded +
 * failed), null without either (as nsx status counts it). A read that fails gives the figures as null and
 * the error: the run is not failed because of it.
 */
export async function publishedSince(api: PublishedEventsReader, id: string, sinceMs: number, untilMs: number, signal?: AbortSignal): Promise<PublishedFigures> {
  const since = new Date(sinceMs).toISOString();
  let attempts = 0;
  let succeeded = 0;
  let failed = 0;
  try {
    for await (const e of readPublishedEvents(api, { from: sinceMs, to: untilMs }, { integration_id: id }, signal ? { signal } : {})) {
      // The server filters by integration_id; an answer that ignored it is filtered here.
      if (e.integration_id !== undefined && e.integration_id !== null && String(e.integration_id) !== id) continue;
      attempts++;
      const status = publishedEventStatus(e);
      if (status === 'success') succeeded++;
      else if (status === 'failure') failed++;
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    return { attempts: null, succeeded: null, failed: null, failure_rate: null, since, error: error instanceof Error ? error.message : String(error) };
  }
  const judged = succeeded + failed;
  return { attempts, succeeded, failed, failure_rate: judged === 0 ? null : failed / judged, since };
}

export async function watchStep(
  api: Pick<IntegrationReads, 'getIntegration' | 'logs' | 'rejectedEvents'> & PublishedEventsReader,
  id: string,
  input: {
    watchMs: number;
    startMs: number;
    /** This run started it (false: it was already running). */
    started: boolean;
    /** The rejected event ids the gate left (not new). */
    knownRejected: readonly string[];
    partialError: PartialFailureError | undefined;
    signal: AbortSignal;
    journal: Pick<JournalWriter, 'append'>;
    pollMs?: number;
    /** --max-failure-rate (0 to 1): more failed published attempts since the start than this end with exit 6. */
    maxFailureRate?: number | undefined;
  },
  emit: EmitRecoverEvent,
): Promise<WatchStepResult> {
  const { signal, started, partialError } = input;
  await emit({ type: 'watching' });
  const watch = await watchIntegration(api, id, {
    durationMs: input.watchMs,
    sinceMs: input.startMs,
    knownRejected: input.knownRejected,
    signal,
    onTick: (ms) => void emit({ type: 'watch-tick', ms }),
    ...(input.pollMs !== undefined ? { pollMs: input.pollMs } : {}),
  });
  await emit({ type: 'watched', result: watch });
  // What NewStore published since the start: read once the watch is over (not with --watch 0, nor after Ctrl-C).
  const published = input.watchMs > 0 && !signal.aborted ? await publishedSince(api, id, input.startMs, Date.now() + 1, signal) : undefined;
  if (published) await emit({ type: 'published', figures: published });
  input.journal.append({
    type: 'phase',
    at: new Date().toISOString(),
    phase: 'verify',
    detail: { status: watch.status, new_rejections: watch.newRejections.length, problems: watch.problems.length, watched_ms: watch.watchedMs, ...(published ? { published } : {}) },
  });
  if (signal.aborted) return { kind: 'interrupted', statusAfter: watch.status };
  const statusAfter = watch.status;
  const max = input.maxFailureRate;
  const tooManyFailures = max !== undefined && published?.failure_rate !== null && published?.failure_rate !== undefined && published.failure_rate > max;
  if (watch.stopped || watch.newRejections.length > 0 || tooManyFailures) {
    const reason = watch.stopped
      ? `${id} stopped again ${formatDuration(watch.watchedMs)} after the start${watch.stopEntry ? `: ${watch.stopEntry.message}` : ''}`
      : watch.newRejections.length > 0
        ? `${watch.newRejections.length} new rejected event(s) appeared while watching ${id}`
        : `${published!.failed} of ${published!.attempts} delivery attempt(s) NewStore made for ${id} since the start failed (${percent(published!.failure_rate!)}, over --max-failure-rate ${percent(max!)})`;
    if (watch.newRejections.length) await emit({ type: 'new-rejections', events: watch.newRejections });
    const hint =
      !watch.stopped && watch.newRejections.length === 0
        ? `see the failed attempts: ${nsxCommand('events', 'list', '--integration', id, '--status', 'failure', '--since', published!.since)}; and the log: ${nsxCommand('logs', 'list', id, '--since', '10m')}`
        : `look at the log (${nsxCommand('logs', 'list', id, '--since', '10m')}) and recover again: ${nsxCommand('recover', id, '--dry-run')}`;
    return {
      kind: 'ended',
      statusAfter,
      watch,
      published,
      remaining: input.knownRejected.length + watch.newRejections.length,
      end: {
        outcome: 'verify_failed',
        resumable: false,
        exitCode: ExitCode.partial,
        ending: `${started ? 'Started, but' : 'Running, but'} ${reason}.`,
        error: new PartialFailureError(reason, { hint }),
      },
    };
  }
  const calm = watch.problems.length ? ` (${watch.problems.length} warning(s) in its log: ${nsxCommand('logs', 'list', id)})` : ' with no new rejections';
  const subject = started ? `Started ${id}; it` : `${id} was already running; it`;
  return {
    kind: 'ended',
    statusAfter,
    watch,
    published,
    remaining: input.knownRejected.length,
    end: {
      outcome: 'completed',
      resumable: false,
      exitCode: partialError ? ExitCode.partial : ExitCode.ok,
      ending: input.watchMs > 0 ? `${subject} stayed running for ${formatDuration(watch.watchedMs)}${calm}.` : `${subject} is running (not watched: --watch 0).`,
      ...(partialError ? { error: partialError } : {}),
    },
  };
}
