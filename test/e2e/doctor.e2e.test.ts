// nsx doctor in a real terminal (tmux): the checks as a table. The other doctor tests run in-process
// (test/commands/doctor/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { nsxInTerminal } from '../commands/tty.js';

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
