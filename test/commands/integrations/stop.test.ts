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
  it('without a terminal, stop needs --yes (exit 3 naming it) and says that events stop flowing to its destination', async () => {
    const refused = await h.nsx(['integrations', 'stop', 'wms-fulfillment']);
    expect(refused.code, refused.stderr).toBe(3);
    const host = new URL(state().integrations.get('wms-fulfillment')!.callback_parameters!.callback_url).host;
    expect(refused.stderr).toContain(`Stopping wms-fulfillment halts the events flowing to ${host} until someone runs: nsx integrations start wms-fulfillment`);
    expect(refused.stderr).toMatch(/^error: .*pass --yes/m);
    expect(state().integrations.get('wms-fulfillment')!.status).toBe('running');

    const done = await h.nsx(['integrations', 'stop', 'wms-fulfillment', '--yes', '--output', 'ndjson']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ id: 'wms-fulfillment', status: 'stopped' });
    expect(state().integrations.get('wms-fulfillment')!.status).toBe('stopped');
  });
});
