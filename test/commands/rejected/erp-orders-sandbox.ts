// The demo sandbox the `nsx rejected` tests share (erp-orders: stopped with 100 rejected order events), and
// what the server holds.
import { afterAll, beforeAll, expect } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import type { RejectedEvent } from '../../../src/api/schemas.js';

export const ID = 'erp-orders';
/** A closed port: a command that sent a request there would fail with exit 1, not 2. */
export const NOWHERE = { NSX_BASE_URL: 'http://127.0.0.1:9', NSX_TOKEN_URL: 'http://127.0.0.1:9/token' };

export let h: InProcessSandboxHarness;
/** The demo's rejected events as the server holds them at the start of each test. */
export let initial: RejectedEvent[];

export const serverIds = (): string[] => (h.sandbox.state.rejected.get(ID) ?? []).map((r) => r.id);
export const serverEvent = (id: string) => h.sandbox.state.rejected.get(ID)?.find((r) => r.id === id);
/** What the demo receiver got for erp-orders (its callback path is /erp), in arrival order. */
export const erpDeliveries = () => (h.sandbox.receiver?.log ?? []).filter((d) => d.path.startsWith('/erp'));
export const ndjson = (text: string): RejectedEvent[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEvent);
export const ids = (events: { id: string }[]) => events.map((e) => e.id);

export async function resetSandbox(rule = 'accept-all'): Promise<void> {
  await h.admin('POST', '/_sandbox/reset', {});
  await h.admin('PUT', '/_sandbox/receiver/rule', { rule, latency_ms: null });
  h.sandbox.receiver?.clearLog();
  initial = JSON.parse(JSON.stringify(h.sandbox.state.rejected.get(ID))) as RejectedEvent[];
}

/** Starts the sandbox for the test file that calls this (at its top level) and resets it as the tests need. */
export function useErpOrdersSandbox(): void {
  beforeAll(async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    await resetSandbox();
    expect(initial.length).toBe(100);
  });
  afterAll(() => h.close());
}
