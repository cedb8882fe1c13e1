// nsx doctor end to end: against the sandbox (all ok), and against loopback servers and files arranged
// to fail one check at a time (permissions, credentials, clock skew, unreachable API, proxy variables).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { nsxInTerminal } from '../commands/tty.js';

interface Check {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}
const CHECKS = ['config', 'profile', 'credentials', 'token', 'api', 'clock', 'proxy'];
const byName = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as Check[]).map((c) => [c.check, c]));

let h: SandboxHarness;
beforeAll(async () => {
  h = await sandboxHarness({ scenario: 'demo' });
});
afterAll(() => h.close());

describe('doctor against a healthy setup', () => {
  it('draws a table in a terminal', async () => {
    const term = nsxInTerminal(['doctor'], h.env);
    try {
      expect(await term.exitCode()).toBe(0);
      expect(term.screen()).toMatch(/^STATUS\s+CHECK\s+DETAIL\n/m);
      expect(term.screen()).toMatch(/^ok\s+token\s+obtained from 127\.0\.0\.1:\d+/m);
    } finally {
      term.close();
    }
  });
});
