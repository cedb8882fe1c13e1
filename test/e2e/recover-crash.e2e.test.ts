// nsx recover, the process killed: SIGKILL at random points, Ctrl-C (SIGINT). The signal and the dead
// process are the subject, so these spawn the built CLI. (Concurrency, faults and the lock run in-process:
// test/commands/recover/stress.test.ts.)
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { startNsx } from '../helpers/cli.js';
import { journalLines, printedCommand, receiverLog, rejectedOnServer, setReceiverRule, statusOf, waitUntil } from '../commands/recover/recover-sandbox.js';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function demo(rule: string, latencyMs?: number): Promise<SandboxHarness> {
  h = await sandboxHarness({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  await setReceiverRule(h, rule, latencyMs);
  return h;
}

function journalsIn(stateDir: string): string[] {
  const dir = join(stateDir, 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n)) : [];
}

/** Every `send` line is followed by the outcome of that event: nothing was left half-written. */
function expectCompleteJournal(path: string): void {
  const open = new Set<string>();
  for (const line of journalLines(path)) {
    if (line.type === 'send') open.add(line.event_id!);
    if (line.type === 'event') open.delete(line.event_id!);
  }
  expect([...open]).toEqual([]);
}

describe('crash safety', () => {
  it('SIGKILL at random points in five runs, each followed by a plain re-run: same end state, nothing deleted that no rule selected', async () => {
    const h = await demo('reject-events:order.items_cancelled');
    for (let round = 0; round < 5; round++) {
      await h.admin('POST', '/_sandbox/reset', {});
      await setReceiverRule(h, 'reject-events:order.items_cancelled', 5);
      await h.admin('DELETE', '/_sandbox/receiver/log');
      const before = rejectedOnServer(h, 'erp-orders');
      const stateDir = mkdtempSync(join(tmpdir(), 'nsx-crash-'));
      const env = { ...h.env, NSX_STATE_DIR: stateDir };

      const victim = startNsx(['recover', 'erp-orders', '--drop', 'event=order.items_cancelled', '--yes', '--watch', '2s'], env);
      // Once the run has begun changing things (its journal has a call in it), kill it at a random moment.
      await waitUntil(() => journalsIn(stateDir).some((p) => journalLines(p).some((l) => l.type === 'send')), 'the first call', 20_000);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)));
      victim.child.kill('SIGKILL');
      const killed = await victim.exited;
      expect(killed.signal === 'SIGKILL' || killed.code === 0).toBe(true);

      const [journal] = journalsIn(stateDir);
      const ended = journalLines(journal!).at(-1)?.type === 'end';
      const locked = existsSync(join(stateDir, 'locks', 'sandbox--erp-orders.lock'));

      // A plain re-run without a terminal does not inherit the killed run's --drop silently: it names the
      // two ways on (exit 7), and the first of them, run as printed, resumes the run with its own rules.
      const plain = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '1s'], { env });
      let rerun = plain;
      if (plain.code === 7) {
        const last = journalLines(journal!).at(-1)!;
        expect(!ended || last.resumable === true, `round ${round}: a run that ended for good is not resumed`).toBe(true);
        expect(plain.stderr).toContain("has --drop event=order.items_cancelled; this command gives no rules or options");
        rerun = await h.nsx(printedCommand(plain.stderr, 'resume it as it is:'), { env });
      }
      expect(rerun.code, `round ${round}:\n${rerun.stderr}`).toBe(0);
      expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
      expect(statusOf(h, 'erp-orders')).toBe('running');
      // Every event not selected by --drop was delivered (accepted by the receiver), not deleted.
      const accepted = new Set((await receiverLog(h)).filter((d) => d.status === 200).map((d) => d.event_id));
      const kept = before.filter((e) => e.event.name !== 'order.items_cancelled');
      expect(kept.filter((e) => !accepted.has(e.id)).map((e) => e.id), `round ${round}`).toEqual([]);
      // A run killed before its end line is continued, with its own rules (the re-run names none).
      if (!ended) expect(rerun.stderr).toMatch(new RegExp(`Resuming run ${journalLines(journal!)[0]!.run_id as string}|run ${journalLines(journal!)[0]!.run_id as string} ended without a trace; nothing is left`));
      if (locked) expect(plain.stderr).toContain('took over a stale lock');
    }
  }, 180_000);
});

describe('Ctrl-C and the lock', () => {
  it('Ctrl-C: exit 130 within 2 s, the journal complete, the resume command printed; a re-run finishes', async () => {
    const h = await demo('accept-all', 40);
    const victim = startNsx(['recover', 'erp-orders', '--yes', '--watch', '0'], h.env);
    await waitUntil(() => journalsIn(h.env.NSX_STATE_DIR!).some((p) => journalLines(p).filter((l) => l.type === 'event').length >= 5), 'five events handled');
    const sent = Date.now();
    victim.child.kill('SIGINT');
    const r = await victim.exited;
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(r.code).toBe(130);
    const runId = /--resume (\S+)/.exec(r.stderr)?.[1];
    expect(r.stderr).toContain(`resume with: nsx recover erp-orders --resume ${runId} --watch 0 --yes`);
    const [journal] = journalsIn(h.env.NSX_STATE_DIR!);
    expectCompleteJournal(journal!);
    expect(journalLines(journal!).at(-1)).toMatchObject({ type: 'end', outcome: 'interrupted', resumable: true, exit_code: 130 });
    expect(statusOf(h, 'erp-orders')).toBe('stopped');
    const left = rejectedOnServer(h, 'erp-orders').length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(100);

    await setReceiverRule(h, 'accept-all', 0);
    const again = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ run_id: runId, results: { delivered: 100, remaining: 0 } });
  });
});
