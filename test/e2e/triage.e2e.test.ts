// nsx rejected triage in a real terminal (tmux): group retry, group delete with confirmation, quit.
import { afterEach, describe, expect, it } from 'vitest';
import { NSX_BIN } from '../helpers/cli.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { shellQuote, startTmux, TMUX, type TmuxSession } from '../helpers/tmux.js';
import { expectedOrder, journalLines, printedCommand, receiverLog, rejectedOnServer, setReceiverRule, statusOf } from '../commands/recover/recover-sandbox.js';

let h: SandboxHarness | undefined;
let term: TmuxSession | undefined;
afterEach(async () => {
  term?.close();
  term = undefined;
  await h?.close();
  h = undefined;
});

describe.skipIf(!TMUX)('nsx rejected triage (tmux)', () => {
  it('retries the largest group, deletes another after a confirmation, quits with a summary and the equivalent commands', async () => {
    // A generous delivery timeout: on a busy machine the default (250 ms at this time scale) fails retries.
    h = await sandboxHarness({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 5000 });
    await setReceiverRule(h, 'accept-all');
    const before = rejectedOnServer(h, 'erp-orders');
    const count = (name: string) => before.filter((e) => e.event.name === name).length;
    const [largest, second, third] = ['order.opened', 'order.created', 'order.items_cancelled'].sort((a, b) => count(b) - count(a));

    term = startTmux(`${shellQuote(process.execPath)} ${shellQuote(NSX_BIN)} rejected triage erp-orders`, { ...h.env, PATH: process.env.PATH!, TERM: 'xterm-256color', NO_COLOR: '1' });
    await term.waitFor('Which group?');
    expect(term.screen()).toContain(`${count(largest!)} × ${largest} · HTTP 400 · unknown_product: product # is not in the ERP catalogue`);
    term.keys('Enter'); // the largest group
    await term.waitFor(`Retry all ${count(largest!)}`);
    term.keys('Down', 'Enter');
    await term.waitFor(`retried ${count(largest!)}`);
    await term.waitFor(/Which group\?\s*\n❯\s+\d+ ×/);

    // groups are now: second, third; pick the third one (one Down) and delete it
    term.keys('Down', 'Enter');
    await term.waitFor(`Delete all ${count(third!)}`);
    term.keys('Down', 'Down', 'Enter');
    await term.waitFor(`Delete ${count(third!)} rejected ${third} events? They will never be delivered. (y/N)`);
    term.type('y');
    term.keys('Enter');
    await term.waitFor(`deleted ${count(third!)}`);

    // quit: the only group left, then Quit
    await term.waitFor(/Which group\?\s*\n❯\s+\d+ ×/);
    term.keys('Down', 'Enter');
    const screen = await term.waitFor('[exit 0]');
    expect(screen).toContain(`This session: ${count(largest!)} delivered, ${count(third!)} deleted, 0 still rejected; ${count(second!)} rejected events remain.`);
    // The commands printed as "the same without prompts" name the events by id: a group is a message
    // signature, which no filter flag expresses.
    const equivalents = term
      .joinedScreen()
      .split('\n')
      .filter((l) => l.startsWith('  $ nsx '))
      .map((l) => printedCommand(l, '$'));
    const idsOf = (name: string) => expectedOrder(before.filter((e) => e.event.name === name));
    expect(equivalents).toEqual([
      ['rejected', 'retry', 'erp-orders', ...idsOf(largest!), '--yes'],
      ['rejected', 'delete', 'erp-orders', ...idsOf(third!), '--yes'],
    ]);

    // The server: the largest group delivered (in order), the deleted group gone undelivered, the rest untouched.
    const left = rejectedOnServer(h, 'erp-orders');
    expect(left.map((e) => e.event.name).every((n) => n === second)).toBe(true);
    expect(left).toHaveLength(count(second!));
    const delivered = (await receiverLog(h)).map((d) => d.name);
    expect(delivered.every((n) => n === largest)).toBe(true);
    expect(delivered).toHaveLength(count(largest!));
    expect(statusOf(h, 'erp-orders')).toBe('stopped');

    // ... all of it journaled like a recover run.
    const journal = /journal: (\S+\.jsonl)/.exec(screen.replace(/\n/g, ''))?.[1];
    const lines = journalLines(journal!);
    expect(lines[0]).toMatchObject({ type: 'run', options: { source: 'triage' } });
    expect(lines.filter((l) => l.type === 'event' && l.outcome === 'delivered')).toHaveLength(count(largest!));
    expect(lines.filter((l) => l.type === 'event' && l.outcome === 'deleted')).toHaveLength(count(third!));
    expect(lines.at(-1)).toMatchObject({ type: 'end', outcome: 'completed' });

    // Run as printed against the same starting state, the commands do exactly what the session did.
    const leftByTriage = left.map((e) => e.id).sort();
    const deliveredByTriage = (await receiverLog(h)).map((d) => d.event_id);
    await h.admin('POST', '/_sandbox/reset', {});
    await setReceiverRule(h, 'accept-all');
    await h.admin('DELETE', '/_sandbox/receiver/log');
    expect(rejectedOnServer(h, 'erp-orders').map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
    for (const command of equivalents) {
      const r = await h.nsx(command);
      expect(r.code, `${command.join(' ')}\n${r.stderr}`).toBe(0);
    }
    expect(rejectedOnServer(h, 'erp-orders').map((e) => e.id).sort()).toEqual(leftByTriage);
    expect((await receiverLog(h)).map((d) => d.event_id)).toEqual(deliveredByTriage);
    expect(statusOf(h, 'erp-orders')).toBe('stopped');
  }, 90_000);

  it('without a terminal: exit 3, pointing to recover and rejected retry', async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    const r = await h.nsx(['rejected', 'triage', 'erp-orders']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rejected triage is interactive and needs a terminal');
    // Both commands of the hint run as printed (read-only: a list and a dry run).
    for (const label of ['see the events with', 'what a recover would do with']) {
      const command = printedCommand(r.stderr, label);
      const run = await h.nsx(command);
      expect(run.code, `${command.join(' ')}\n${run.stderr}`).toBe(0);
    }
    expect(printedCommand(r.stderr, 'see the events with')).toEqual(['rejected', 'list', 'erp-orders']);
    expect(printedCommand(r.stderr, 'what a recover would do with')).toEqual(['recover', 'erp-orders', '--dry-run']);
  });
});
