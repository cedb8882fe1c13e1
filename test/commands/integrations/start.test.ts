// nsx integrations end to end: the built CLI against the sandbox (demo scenario), every verb and output
// mode, the server's state afterwards, confirmations with and without a terminal, and the delete export.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

let h: InProcessSandboxHarness;
let scratch: string;
const state = () => h.sandbox.core.state;
const DEMO_IDS = ['erp-orders', 'wms-fulfillment', 's3-archive', 'replay-2026-11-20'];

beforeAll(async () => {
  h = await inProcessSandbox({ scenario: 'demo' });
  scratch = mkdtempSync(join(tmpdir(), 'nsx-integrations-'));
});
afterAll(async () => {
  await h.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  await h.admin('POST', '/_sandbox/reset', {});
});

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('integrations start and stop', () => {
  it('starts a stopped integration, warns about its waiting rejected events, and does nothing for a running one', async () => {
    const r = await h.nsx(['integrations', 'start', 'erp-orders']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/started erp-orders: delivery to 127\.0\.0\.1:\d+ resumes where it stopped/);
    expect(r.stderr).toMatch(/warning: erp-orders has rejected events waiting/);
    expect(state().integrations.get('erp-orders')!.status).toBe('running');

    const again = await h.nsx(['integrations', 'start', 'wms-fulfillment', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'wms-fulfillment', status: 'running' });
    expect(again.stderr).not.toMatch(/started/);
  });
});
