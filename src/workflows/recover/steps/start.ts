// Step 8 of recover: start the integration, unless --no-start or a finished replay says not to. An
// integration already running is not started twice.
import { integrationIsRunning } from '../../../api/schemas.js';
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
  const current = await api.getIntegration(id);
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
