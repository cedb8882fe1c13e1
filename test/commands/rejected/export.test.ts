// `nsx rejected` end to end: the built CLI against the sandbox's demo scenario (erp-orders: stopped with 100
// rejected order events). Each test states what a user relies on: exit code, stdout, stderr, and what the
// server holds (and what its receiver got) afterwards.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('rejected export', () => {
  let dir: string;
  beforeAll(async () => {
    await resetSandbox();
    dir = mkdtempSync(join(tmpdir(), 'nsx-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every rejected event as NDJSON to stdout, whatever --output says', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--output', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toEqual(initial);
    expect(r.stderr).toMatch(/exported 100 rejected events of erp-orders/);
  });

  it('applies the filters', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--event', 'order.opened']);
    expect(ids(ndjson(r.stdout))).toEqual(ids(initial.filter((e) => e.event.name === 'order.opened')));
  });

  it('--file: owner-only, complete; refuses to overwrite without --force', async () => {
    const file = join(dir, 'rejected.ndjson');
    const r = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(initial);

    writeFileSync(file, 'keep me\n');
    const refused = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists; pass --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');

    const forced = await h.nsx(['rejected', 'export', ID, '--file', file, '--force', '--event', 'order.created']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(ids(ndjson(readFileSync(file, 'utf8')))).toEqual(ids(initial.filter((e) => e.event.name === 'order.created')));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves no file behind when the export fails', async () => {
    const file = join(dir, 'missing.ndjson');
    const r = await h.nsx(['rejected', 'export', 'no-such-integration', '--file', file]);
    expect(r.code).toBe(5);
    expect(() => statSync(file)).toThrow();
  });
});
