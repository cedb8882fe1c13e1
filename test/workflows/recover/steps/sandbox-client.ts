// The API client a recover step takes, over loopback to an in-process sandbox (the demo scenario:
// erp-orders stopped at the rejected-events limit with 100 rejected events).
import { afterEach } from 'vitest';
import { Agent } from 'undici';
import { ClientCredentialsTokens } from '../../../../src/api/auth.js';
import { createClient, type ApiClient } from '../../../../src/api/client.js';
import { startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';
import type { RecoverEvent } from '../../../../src/workflows/recover/run-recover.js';

export interface StepSandbox {
  sandbox: RunningSandbox;
  client: ApiClient;
  /** The events a step emitted, in order. */
  events: RecoverEvent[];
  emit(event: RecoverEvent): void;
  statusOf(integration: string): string | undefined;
  close(): Promise<void>;
}

export async function stepSandbox(): Promise<StepSandbox> {
  const sandbox = await startSandbox({ port: 0, statePath: null, timeScale: 1000, scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 5000 });
  const dispatcher = new Agent();
  const tokens = new ClientCredentialsTokens(
    { profile: 'test', tenant: sandbox.tenant, tokenUrl: sandbox.tokenUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, staticToken: undefined, timeoutMs: 5000 },
    dispatcher,
  );
  const client = createClient({ baseUrl: sandbox.baseUrl, tenant: sandbox.tenant, timeoutMs: 5000, tokens, dispatcher });
  const events: RecoverEvent[] = [];
  return {
    sandbox,
    client,
    events,
    emit: (event) => void events.push(event),
    statusOf: (integration) => sandbox.state.integrations.get(integration)?.status,
    close: async () => {
      await sandbox.close();
      await dispatcher.close();
    },
  };
}

/** A fresh step sandbox for each test of the file, closed after it: `const s = stepSandboxPerTest(); ... await s()`. */
export function stepSandboxPerTest(): () => Promise<StepSandbox> {
  let current: StepSandbox | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async () => (current = await stepSandbox());
}

/** The phase lines a step appends to its journal, in order. */
export function journalPhases(): { lines: Array<{ type: string; phase?: string; detail?: unknown }>; append(line: { type: string }): void } {
  const lines: Array<{ type: string; phase?: string; detail?: unknown }> = [];
  return { lines, append: (line) => void lines.push(line as (typeof lines)[number]) };
}
