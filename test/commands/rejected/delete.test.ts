// `nsx rejected` end to end: the built CLI against the sandbox's demo scenario (erp-orders: stopped with 100
// rejected order events). Each test states what a user relies on: exit code, stdout, stderr, and what the
// server holds (and what its receiver got) afterwards.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

describe('rejected delete', () => {
  beforeEach(() => resetSandbox());

  it('--all with filters leaves exactly the unselected events on the server', async () => {
    const selected = initial.filter((e) => e.event.name === 'order.created');
    const r = await h.nsx(['rejected', 'delete', ID, '--all', '--event', 'order.created', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`deleted ${selected.length} selected: ${selected.length} deleted, 0 not found`));
    expect(serverIds()).toEqual(ids(initial.filter((e) => e.event.name !== 'order.created')));
    expect(erpDeliveries()).toEqual([]);
  });

  it('json result; an id deleted meanwhile (404) counts as not found, not as a failure', async () => {
    const [a, b] = initial;
    const first = await h.nsx(['rejected', 'delete', ID, a!.id, '--yes', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'delete', selected: 1, deleted: 1, not_found: 0, results: [{ id: a!.id, outcome: 'deleted' }] });
    const second = await h.nsx(['rejected', 'delete', ID, a!.id, b!.id, '--yes', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ selected: 1, deleted: 1, not_found: 1 });
    expect(serverIds()).toEqual(ids(initial.slice(2)));
  });

  it('--dry-run deletes nothing', async () => {
    const r = await h.nsx(['rejected', 'delete', ID, '--all', '--dry-run', '--output', 'ndjson']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dry_run: true, action: 'delete', selected: 100, deleted: 0 });
    expect(serverIds()).toEqual(ids(initial));
  });

  it('without a terminal and without --yes: exit 3, nothing deleted', async () => {
    const r = await h.nsx(['rejected', 'delete', ID, initial[0]!.id, '--json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.trim().split('\n').pop()!)).toMatchObject({ error: { exit_code: 3 } });
    expect(serverIds()).toEqual(ids(initial));
  });
});
