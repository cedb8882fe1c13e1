// The demo sandbox the `nsx logs` tests share, with an integration seeded with three pages of log entries.
import { afterAll, beforeAll } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

export let h: InProcessSandboxHarness;
export const SEEDED = 'seeded-logs';
export const SEED_COUNT = 500; // three pages of 200

export interface Entry {
  id: string;
  created_at: string;
  level: string;
  message: string;
  event_name?: string;
  status_code?: number;
}
/** The seeded integration's entries as the API answers them: newest first. */
export const entries = (id = SEEDED): Entry[] => [...(h.sandbox.core.state.logs.get(id) ?? [])].reverse() as Entry[];
export const lines = (text: string) => text.split('\n').filter(Boolean);


/** Starts the sandbox for the test file that calls this (at its top level) and resets it as the tests need. */
export function useSeededLogsSandbox(): void {
  beforeAll(async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    await h.admin('POST', '/_sandbox/seed', { integration_id: SEEDED, logs: SEED_COUNT });
  });
  afterAll(() => h.close());
}
