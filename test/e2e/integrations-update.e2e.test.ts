// nsx integrations update end to end: the built CLI against the sandbox (demo scenario) and against a
// loopback NewStore that behaves differently; what the server holds and received afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { nsxInTerminal } from '../commands/tty.js';

let h: SandboxHarness;
let scratch: string;
/** Every API request the sandbox received (method and path), the token call included. */
const received: string[] = [];
const state = () => h.sandbox.core.state;
const snapshot = (id: string) => JSON.stringify({ ...state().integrations.get(id), internal: undefined });

beforeAll(async () => {
  h = await sandboxHarness({ scenario: 'demo' });
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

const keyFile = (name: string, key: string) => {
  const path = join(scratch, name);
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return path;
};
const patches = () => received.filter((r) => r.startsWith('PATCH '));

describe('integrations update', () => {
  it('in a terminal: shows the change with the key masked and asks; yes updates', async () => {
    const term = nsxInTerminal(['integrations', 'update', 'erp-orders', '--api-key-file', keyFile('tty.key', 'tty-key-123456')], h.env);
    try {
      const screen = await term.waitFor(/Update erp-orders\?/);
      expect(screen).toMatch(/api_key +\*{8} -> \*{8} \(new key\)/);
      expect(screen).toContain('the receiver must accept it now');
      expect(screen).not.toContain('tty-key-123456');
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.close();
    }
    expect(state().integrations.get('erp-orders')!.callback_parameters!.api_key).toBe('tty-key-123456');
  });

  it('in a terminal: no leaves it unchanged (exit 3)', async () => {
    const before = snapshot('erp-orders');
    const term = nsxInTerminal(['integrations', 'update', 'erp-orders', '--entities', 'return'], h.env);
    try {
      await term.waitFor(/Update erp-orders\?/);
      term.answer('n');
      expect(await term.exitCode()).toBe(3);
    } finally {
      term.close();
    }
    expect(snapshot('erp-orders')).toBe(before);
    expect(patches()).toEqual([]);
  });
});
