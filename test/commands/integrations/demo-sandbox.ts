// The demo sandbox the `nsx integrations` tests share, reset before each test, and a scratch folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

export let h: InProcessSandboxHarness;
export let scratch: string;
export const state = () => h.sandbox.core.state;
export const DEMO_IDS = ['erp-orders', 'wms-fulfillment', 's3-archive', 'replay-2026-11-20'];

export const lines = (text: string) => text.split('\n').filter(Boolean);

/** Starts the sandbox for the test file that calls this (at its top level) and resets it as the tests need. */
export function useDemoSandbox(): void {
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

}
