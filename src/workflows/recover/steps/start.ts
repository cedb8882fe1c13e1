// Step 8 of recover: start the integration, unless --no-start or a finished replay says not to. An
// integration already running is not started twice.
import { type Integration, integrationIsRunning } from '../../../api/schemas.js';
import { ExitCode, type PartialFailureError } from '../../../errors.js';
import { nsxCommand } from '../../../hints.js';
import type { JournalWriter } from '../journal.js';
import type { RecoverEnding } from '../run-recover.js';
import type { IntegrationReads } from '../verify.js';
import type { EmitRecoverEvent } from './diagnose.js';

export type StartStepResult =
  /** Not started (--no-start, or a finished replay): the run ends here. */
  | { kind: 'not-started'; end: RecoverEnding }
  /** started: this run started it (false: it was already running). startMs: when, for the watch. */
  | { kind: 'running'; started: boolean; startMs: number };

export async function startStep(
  api: Pick<IntegrationReads, 'getIntegration' | 'startIntegration'>,
  id: string,
  input: {
    /** The run would start it: --start (the default), and not a finished replay. */
    startWanted: boolean;
    /** --start as given (false: --no-start). */
    startFlag: boolean;
    partialError: PartialFailureError | undefined;
    journal: Pick<JournalWriter, 'append'>;
    /**
     * The integration as read while the gate listed (statusReadDuringGate): the start decides on it,
     * one round trip sooner than a read of its own after the gate. Read now when absent.
     */
    status?: Promise<Integration> | undefined;
  },
  emit: EmitRecoverEvent,
): Promise<StartStepResult> {
  const { partialError } = input;
  if (!input.startWanted) {
    return {
      kind: 'not-started',
      end: {
        outcome: 'not_started',
        resumable: false,
        exitCode: partialError ? ExitCode.partial : ExitCode.ok,
        ending: input.startFlag ? 'Not started: a finished replay is not started again.' : `Not started (--no-start); start it with: ${nsxCommand('integrations', 'start', id)}`,
        ...(partialError ? { error: partialError } : {}),
      },
    };
  }
  const current = await (input.status ?? api.getIntegration(id));
  const startMs = Date.now();
  let started = false;
  if (!integrationIsRunning(current)) {
    await api.startIntegration(id);
    started = true;
  }
  await emit({ type: 'started', started });
  input.journal.append({ type: 'phase', at: new Date().toISOString(), phase: 'start', detail: { started, was: current.status } });
  return { kind: 'running', started, startMs };
}

/**
 * Reads the integration's status while the gate lists, for the start to decide on (startStep's status):
 * a read no older than the gate's own listings, which the start relies on too. When the run will not
 * start it, nothing is read. A refused or interrupted gate leaves the answer unused: its failure, if it
 * fails, is met (and reported) only by a start that awaits it.
 */
export function statusReadDuringGate(api: Pick<IntegrationReads, 'getIntegration'>, id: string, willStart: boolean): Promise<Integration> | undefined {
  if (!willStart) return undefined;
  const read = api.getIntegration(id);
  read.catch(() => undefined);
  return read;
}
