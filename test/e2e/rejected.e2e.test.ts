// `nsx rejected` where the process is the subject: Ctrl-C as a signal to the built CLI, and a prompt in a
// real terminal (tmux). The sandbox is the one the in-process tests use (test/commands/rejected/).
import { spawn } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { childEnv, NSX_BIN } from '../helpers/cli.js';
import { shellQuote, startTmux, TMUX } from '../helpers/tmux.js';
import { ID, h, initial, serverIds, ids, resetSandbox, useErpOrdersSandbox } from '../commands/rejected/erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('rejected retry', () => {
  beforeEach(() => resetSandbox());


  it('Ctrl-C finishes the retry in flight, prints the summary and exits 130; the rest stay rejected', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all', latency_ms: 100 });
    const child = spawn(process.execPath, [NSX_BIN, 'rejected', 'retry', ID, '--all', '--yes'], { env: childEnv(h.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!interrupted && /\[ *2\/100\] delivered/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const delivered = Number(/retried 100 selected: (\d+) delivered, 0 still rejected, 0 gone, (\d+) not processed/.exec(stderr)?.[1]);
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(stderr).toMatch(new RegExp(`interrupted: ${100 - delivered} selected events were not retried`));
    expect(serverIds()).toEqual(ids(initial.slice(delivered)));
  });
});

describe('rejected delete', () => {
  beforeEach(() => resetSandbox());


  it.skipIf(!TMUX)('asks in a terminal: "n" keeps the event (exit 3), "y" deletes it', async () => {
    const target = initial[0]!;
    const env = { ...h.env, HOME: h.env.HOME!, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' };
    const command = `${shellQuote(process.execPath)} ${shellQuote(NSX_BIN)} rejected delete ${ID} ${target.id}`;
    for (const [answer, exit] of [['n', 3], ['y', 0]] as const) {
      const term = startTmux(command, env);
      try {
        await term.waitFor(/Delete 1 rejected event of erp-orders \(order\.\w+: 1\)\? They will never be delivered/);
        term.type(answer);
        term.keys('Enter');
        const screen = await term.waitFor(/\[exit \d+\]/);
        expect(screen).toContain(`[exit ${exit}]`);
        if (answer === 'n') {
          expect(screen).toMatch(/cancelled: nothing was changed/);
          expect(serverIds()).toContain(target.id);
        } else {
          expect(screen).toMatch(/deleted 1 selected: 1 deleted/);
          expect(serverIds()).not.toContain(target.id);
        }
      } finally {
        term.close();
      }
    }
  });
});
