// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('help', () => {
  it('every integrations verb has examples', async () => {
    for (const verb of ['list', 'get', 'register', 'start', 'stop', 'delete', 'replay']) {
      const r = await runNsxInProcess(['integrations', verb, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ nsx integrations /);
    }
  });
});
