// Ctrl-C at a prompt, in a real terminal (tmux): exit 130 and nothing changed, everywhere (y/N, typing the
// id, recover's confirmation, triage's menus). An answered "no" stays exit 3.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NSX_BIN } from '../helpers/cli.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { shellQuote, startTmux, TMUX, type TmuxSession } from '../helpers/tmux.js';
import { receiverLog, rejectedOnServer, setReceiverRule, statusOf } from '../commands/recover/recover-sandbox.js';

let h: SandboxHarness | undefined;
let term: TmuxSession | undefined;
afterEach(async () => {
  term?.close();
  term = undefined;
  await h?.close();
  h = undefined;
});

function nsxInTerminal(harness: SandboxHarness, args: string[]): TmuxSession {
  const line = [process.execPath, NSX_BIN, ...args].map(shellQuote).join(' ');
  return startTmux(line, { ...harness.env, PATH: process.env.PATH!, TERM: 'xterm-256color', NO_COLOR: '1' });
}

describe.skipIf(!TMUX)('Ctrl-C at a prompt exits 130 (tmux)', () => {
  it('y/N of integrations stop: Ctrl-C exits 130 and the integration runs on; an answered no exits 3', async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    term = nsxInTerminal(h, ['integrations', 'stop', 'wms-fulfillment']);
    await term.waitFor('Stop wms-fulfillment?');
    term.keys('C-c');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toContain('[exit 130]');
    expect(screen).not.toMatch(/declined|cancelled/);
    expect(statusOf(h, 'wms-fulfillment')).toBe('running');
    term.close();

    term = nsxInTerminal(h, ['integrations', 'stop', 'wms-fulfillment']);
    await term.waitFor('Stop wms-fulfillment?');
    term.type('n');
    term.keys('Enter');
    expect(await term.waitFor(/\[exit \d+\]/)).toContain('[exit 3]');
    expect(statusOf(h, 'wms-fulfillment')).toBe('running');
  });

  it('typing the id for integrations delete: Ctrl-C exits 130 and the integration is still there', async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    term = nsxInTerminal(h, ['integrations', 'delete', 's3-archive']);
    await term.waitFor('Type s3-archive to confirm');
    term.type('s3-');
    term.keys('C-c');
    expect(await term.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
    expect(statusOf(h, 's3-archive')).toBe('running');
  });

  it("recover's and rejected retry's confirmations: Ctrl-C exits 130, nothing delivered", async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    await setReceiverRule(h, 'accept-all');
    const before = rejectedOnServer(h, 'erp-orders').length;
    for (const args of [['recover', 'erp-orders'], ['rejected', 'retry', 'erp-orders', '--all']]) {
      term = nsxInTerminal(h, args);
      await term.waitFor(/Retry \d+ (rejected )?events?/i);
      term.keys('C-c');
      expect(await term.waitFor(/\[exit \d+\]/), args.join(' ')).toContain('[exit 130]');
      term.close();
    }
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(before);
    expect(await receiverLog(h)).toHaveLength(0);
    expect(statusOf(h, 'erp-orders')).toBe('stopped');
  });

  it("triage: Ctrl-C at the group menu and at the delete question exits 130", async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    const before = rejectedOnServer(h, 'erp-orders').length;
    term = nsxInTerminal(h, ['rejected', 'triage', 'erp-orders']);
    await term.waitFor('Which group?');
    term.keys('C-c');
    expect(await term.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
    term.close();

    term = nsxInTerminal(h, ['rejected', 'triage', 'erp-orders']);
    await term.waitFor('Which group?');
    term.keys('Enter');
    await term.waitFor('Delete all');
    term.keys('Down', 'Down', 'Enter');
    await term.waitFor('They will never be delivered. (y/N)');
    term.keys('C-c');
    expect(await term.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(before);
  });

  it("triage: Ctrl-C at the closing \"Start it now?\" exits 130 and does not start it", async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    await setReceiverRule(h, 'accept-all');
    // One group left: delete all but the order.created events first, so that one retry empties the list.
    const keep = rejectedOnServer(h, 'erp-orders').filter((e) => e.event.name !== 'order.created').map((e) => e.id);
    expect((await h.nsx(['rejected', 'delete', 'erp-orders', ...keep, '--yes'])).code).toBe(0);
    term = nsxInTerminal(h, ['rejected', 'triage', 'erp-orders']);
    await term.waitFor('Which group?');
    term.keys('Enter');
    await term.waitFor('Retry all');
    term.keys('Down', 'Enter');
    await term.waitFor('Start erp-orders now?');
    term.keys('C-c');
    expect(await term.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(0);
    expect(statusOf(h, 'erp-orders')).toBe('stopped');
  });
});

describe.skipIf(!TMUX)('time at the prompt (tmux)', () => {
  it("recover's duration leaves out the time the person took to answer", { timeout: 60_000 }, async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    await setReceiverRule(h, 'accept-all');
    const report = join(h.env.HOME!, 'incident.md');
    const spawnedAt = Date.now();
    term = nsxInTerminal(h, ['recover', 'erp-orders', '--no-start', '--report', report]);
    await term.waitFor(/Retry \d+ rejected events of erp-orders\?/);
    const READING = 4000;
    await new Promise((r) => setTimeout(r, READING)); // the person reads the plan
    term.type('y');
    term.keys('Enter');
    const screen = await term.waitFor(/\[exit \d+\]/, 30_000);
    // Wall time of the whole process, the reading included; the run's own duration must leave the
    // reading out. Measured against the wall (not a fixed bound) so that a loaded machine, which slows
    // both alike, does not fail it.
    const wall = Date.now() - spawnedAt;
    expect(screen).toContain('[exit 0]');
    const duration = /- Duration: ([\d.]+)(ms|s)\b/.exec(readFileSync(report, 'utf8'));
    expect(duration).not.toBeNull();
    const ms = Number(duration![1]) * (duration![2] === 's' ? 1000 : 1);
    expect(ms).toBeLessThan(wall - READING * 0.75);
    const summary = /· ([\d.]+)(ms|s) · journal/.exec(screen.replace(/\n/g, ' '));
    expect(Number(summary![1]) * (summary![2] === 's' ? 1000 : 1)).toBeLessThan(wall - READING * 0.75);
  });
});
