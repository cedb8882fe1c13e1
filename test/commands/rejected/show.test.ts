// `nsx rejected` end to end: the built CLI against the sandbox's demo scenario (erp-orders: stopped with 100
// rejected order events). Each test states what a user relies on: exit code, stdout, stderr, and what the
// server holds (and what its receiver got) afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import type { RejectedEvent } from '../../../src/api/schemas.js';

const ID = 'erp-orders';
/** A closed port: a command that sent a request there would fail with exit 1, not 2. */
const NOWHERE = { NSX_BASE_URL: 'http://127.0.0.1:9', NSX_TOKEN_URL: 'http://127.0.0.1:9/token' };

let h: InProcessSandboxHarness;
/** The demo's rejected events as the server holds them at the start of each test. */
let initial: RejectedEvent[];

const serverIds = (): string[] => (h.sandbox.state.rejected.get(ID) ?? []).map((r) => r.id);
const serverEvent = (id: string) => h.sandbox.state.rejected.get(ID)?.find((r) => r.id === id);
/** What the demo receiver got for erp-orders (its callback path is /erp), in arrival order. */
const erpDeliveries = () => (h.sandbox.receiver?.log ?? []).filter((d) => d.path.startsWith('/erp'));
const ndjson = (text: string): RejectedEvent[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEvent);
const ids = (events: { id: string }[]) => events.map((e) => e.id);

async function resetSandbox(rule = 'accept-all'): Promise<void> {
  await h.admin('POST', '/_sandbox/reset', {});
  await h.admin('PUT', '/_sandbox/receiver/rule', { rule, latency_ms: null });
  h.sandbox.receiver?.clearLog();
  initial = JSON.parse(JSON.stringify(h.sandbox.state.rejected.get(ID))) as RejectedEvent[];
}

beforeAll(async () => {
  h = await inProcessSandbox({ scenario: 'demo' });
  await resetSandbox();
  expect(initial.length).toBe(100);
});
afterAll(() => h.close());

describe('rejected show', () => {
  beforeAll(() => resetSandbox());

  it("prints the payload pretty-printed and the receiver's answer", async () => {
    const e = initial[5]!;
    const r = await h.nsx(['rejected', 'show', ID, e.id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`event           ${e.event.name}`);
    expect(r.stdout).toContain(JSON.stringify(e.event.payload, null, 2));
    expect(r.stdout).toContain('Receiver answered 400');
    expect(r.stdout).toContain(JSON.stringify(e.response?.body, null, 2));
  });

  it('prints the whole object in json modes', async () => {
    const e = initial[5]!;
    const json = await h.nsx(['rejected', 'show', ID, e.id, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(e);
    const nd = await h.nsx(['rejected', 'show', ID, e.id, '--output', 'ndjson']);
    expect(nd.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(nd.stdout)).toEqual(e);
  });

  it('an event that is not rejected (any more) is exit 5', async () => {
    const r = await h.nsx(['rejected', 'show', ID, 'evt-nope']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/no rejected event evt-nope for erp-orders/);
  });
});
