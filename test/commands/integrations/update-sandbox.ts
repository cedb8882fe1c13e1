// The demo sandbox the `nsx integrations update` tests share, with every API request it received.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

export let h: InProcessSandboxHarness;
export let scratch: string;
/** Every API request the sandbox received (method and path), the token call included. */
export const received: string[] = [];
export const state = () => h.sandbox.core.state;
export const snapshot = (id: string) => JSON.stringify({ ...state().integrations.get(id), internal: undefined });

export const keyFile = (name: string, key: string) => {
  const path = join(scratch, name);
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return path;
};
export const patches = () => received.filter((r) => r.startsWith('PATCH '));

/** Starts the sandbox for the test file that calls this (at its top level) and resets it as the tests need. */
export function useUpdateSandbox(): void {
  beforeAll(async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    h.sandbox.server.on('request', (req: IncomingMessage) => {
      if (!req.url?.startsWith('/_sandbox')) received.push(`${req.method} ${req.url}`);
    });
    scratch = mkdtempSync(join(tmpdir(), 'nsx-update-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await h.admin('POST', '/_sandbox/reset', {});
    received.length = 0;
  });

}
