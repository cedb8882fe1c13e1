// nsx integrations end to end: the built CLI against the sandbox (demo scenario), every verb and output
// mode, the server's state afterwards, confirmations with and without a terminal, and the delete export.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runNsxInProcess, inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

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

describe('help', () => {
  it('every integrations verb has examples', async () => {
    for (const verb of ['list', 'get', 'register', 'start', 'stop', 'delete', 'replay']) {
      const r = await runNsxInProcess(['integrations', verb, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ nsx integrations /);
    }
  });
});
