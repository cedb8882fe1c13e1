// Step 8 (continued) of recover: watch the started integration for --watch, to catch it stopping again or
// new rejected events, and say how the run ended.
import { ExitCode, PartialFailureError } from '../../../errors.js';
import { nsxCommand } from '../../../hints.js';
import { formatDuration } from '../../../input/time.js';
import type { JournalWriter } from '../journal.js';
import type { RecoverEnding } from '../run-recover.js';
import { watchIntegration, type IntegrationReads, type WatchResult } from '../verify.js';
import type { EmitRecoverEvent } from './diagnose.js';

export type WatchStepResult =
  | { kind: 'interrupted'; statusAfter: string }
  /** remaining: the events rejected after the watch (the gate's and the new ones). */
  | { kind: 'ended'; end: RecoverEnding; statusAfter: string; remaining: number; watch: WatchResult };

export async function watchStep(
  api: Pick<IntegrationReads, 'getIntegration' | 'logs' | 'rejectedEvents'>,
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
  input.journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'verify', detail: { status: watch.status, new_rejections: watch.newRejections.length, problems: watch.problems.length, watched_ms: watch.watchedMs } });
  if (signal.aborted) return { kind: 'interrupted', statusAfter: watch.status };
  const statusAfter = watch.status;
  if (watch.stopped || watch.newRejections.length > 0) {
    const reason = watch.stopped
      ? `${id} stopped again ${formatDuration(watch.watchedMs)} after the start${watch.stopEntry ? `: ${watch.stopEntry.message}` : ''}`
      : `${watch.newRejections.length} new rejected event(s) appeared while watching ${id}`;
    if (watch.newRejections.length) await emit({ type: 'new-rejections', events: watch.newRejections });
    return {
      kind: 'ended',
      statusAfter,
      watch,
      remaining: input.knownRejected.length + watch.newRejections.length,
      end: {
        outcome: 'verify_failed',
        resumable: false,
        exitCode: ExitCode.partial,
        ending: `${started ? 'Started, but' : 'Running, but'} ${reason}.`,
        error: new PartialFailureError(reason, { hint: `look at the log (${nsxCommand('logs', 'list', id, '--since', '10m')}) and recover again: ${nsxCommand('recover', id, '--dry-run')}` }),
      },
    };
  }
  const calm = watch.problems.length ? ` (${watch.problems.length} warning(s) in its log: ${nsxCommand('logs', 'list', id)})` : ' with no new rejections';
  const subject = started ? `Started ${id}; it` : `${id} was already running; it`;
  return {
    kind: 'ended',
    statusAfter,
    watch,
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
