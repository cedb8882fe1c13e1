// Step 7 of recover: the server's own word that nothing (or little enough) remains before a start. The
// rejected events are listed until two listings agree (verify.ts gate), then held against --allow-remaining.
import type { RejectedEvent } from '../../../api/schemas.js';
import { ExitCode, PartialFailureError, PreconditionError } from '../../../errors.js';
import { nsxCommand } from '../../../hints.js';
import type { EventRecord, JournalWriter } from '../journal.js';
import type { RecoverEnding } from '../run-recover.js';
import { gate, type IntegrationReads } from '../verify.js';
import type { EmitRecoverEvent } from './diagnose.js';

export type GateStepResult =
  /** Ctrl-C during the listings: nothing was decided. */
  | { kind: 'interrupted' }
  /** Not to be started: the listings kept changing, or more events remain than allowed. */
  | { kind: 'refused'; end: RecoverEnding; remaining: number }
  /**
   * A start may go ahead. partialError: events not delivered under --on-error skip, which make the
   * run's exit 3 however the start goes.
   */
  | { kind: 'passed'; remaining: RejectedEvent[]; partialError: PartialFailureError | undefined };

export async function gateStep(
  api: Pick<IntegrationReads, 'rejectedEvents'>,
  id: string,
  input: {
    /** The events this run did not deliver (they remain rejected). */
    failures: readonly EventRecord[];
    allowRemaining: number;
    parallel: number;
    signal: AbortSignal;
    journal: Pick<JournalWriter, 'append'>;
    /** Between listings (default: verify.ts's). */
    intervalMs?: number;
  },
  emit: EmitRecoverEvent,
): Promise<GateStepResult> {
  const { signal, failures } = input;
  await emit({ type: 'gate-checking' });
  const g = await gate(api, id, { signal, parallel: input.parallel, ...(input.intervalMs !== undefined ? { intervalMs: input.intervalMs } : {}) });
  if (signal.aborted) return { kind: 'interrupted' };
  await emit({ type: 'gate', remaining: g.remaining.length, stable: g.stable });
  input.journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'gate', detail: { remaining: g.remaining.length, stable: g.stable, listings: g.listings } });
  const remaining = g.remaining.length;
  const failedNote = failures.length ? `${failures.length} event(s) were not delivered (see the journal); ` : '';
  if (!g.stable) {
    return {
      kind: 'refused',
      remaining,
      end: {
        outcome: 'gate_refused',
        resumable: false,
        exitCode: ExitCode.precondition,
        ending: 'Not started: the rejected events kept changing.',
        error: new PreconditionError(`the rejected events of ${id} kept changing over ${g.listings} listings; not starting it`, {
          hint: `is another tool retrying them, or is the integration running? Look with: ${nsxCommand('rejected', 'list', id)}`,
        }),
      },
    };
  }
  if (remaining > input.allowRemaining) {
    await emit({ type: 'remaining', events: g.remaining });
    const partial = failures.length > 0;
    return {
      kind: 'refused',
      remaining,
      end: {
        outcome: partial ? 'failed' : 'gate_refused',
        resumable: false,
        exitCode: partial ? ExitCode.partial : ExitCode.precondition,
        ending: `Not started: ${remaining} rejected event(s) remain.`,
        error: new (partial ? PartialFailureError : PreconditionError)(`${failedNote}${remaining} rejected event(s) remain; ${id} was not started`, {
          hint: `start anyway with --allow-remaining ${remaining}, or handle them: ${nsxCommand('rejected', 'triage', id)}`,
        }),
      },
    };
  }
  const partialError = failures.length
    ? new PartialFailureError(`${failures.length} event(s) were not delivered (--on-error skip); they remain rejected`, { hint: `see them with: ${nsxCommand('rejected', 'list', id)}` })
    : undefined;
  return { kind: 'passed', remaining: g.remaining, partialError };
}
