// nsx recover under stress: parallel entities, injected faults, SIGKILL at random points, Ctrl-C, the lock.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { startNsx } from '../helpers/cli.js';
import { expectedOrder, journalLines, printedCommand, receiverLog, rejectedOnServer, setReceiverRule, statusOf, waitUntil, type Delivery } from './helpers.js';

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

describe('nsx recover --concurrency', () => {
  it('runs entities in parallel while each entity keeps plan order with no overlap (receiver log)', async () => {
    const h = await demo('reject-events:*');
    const names = ['fulfillment_request.assigned', 'fulfillment_request.items_ready_for_handover', 'fulfillment_request.items_completed'];
    const events = Array.from({ length: 60 }, (_, i) => ({ name: names[Math.floor(i / 6) % 3]!, payload: { id: `fr-${i}`, order_id: `ord-c${i % 6}`, items: [] } }));
    await h.admin('POST', '/_sandbox/emit', { events });
    await waitUntil(() => rejectedOnServer(h, 'wms-fulfillment').length === 60, '60 rejected events on wms-fulfillment');
    const before = rejectedOnServer(h, 'wms-fulfillment');
    await setReceiverRule(h, 'accept-all', 5);
    await h.admin('DELETE', '/_sandbox/receiver/log');

    const r = await h.nsx(['recover', 'wms-fulfillment', '--concurrency', '8', '--yes', '--watch', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results).toMatchObject({ delivered: 60, failed: 0, remaining: 0 });

    const planned = new Set(before.map((e) => e.id));
    const log = (await receiverLog(h)).filter((d) => d.event_id && planned.has(d.event_id));
    expect(log).toHaveLength(60);
    const order = expectedOrder(before);
    const byEntity = new Map<string, Delivery[]>();
    for (const d of log) byEntity.set(d.entity_id!, [...(byEntity.get(d.entity_id!) ?? []), d]);
    expect(byEntity.size).toBe(6);
    for (const [entity, deliveries] of byEntity) {
      expect(deliveries.map((d) => d.event_id), entity).toEqual(order.filter((id) => before.find((e) => e.id === id)!.event.payload.order_id === entity));
      for (let i = 1; i < deliveries.length; i++) expect(deliveries[i]!.start, `${entity} #${i} overlaps`).toBeGreaterThanOrEqual(deliveries[i - 1]!.end);
    }
    // ... and different entities did overlap: the run was parallel.
    const overlapping = log.some((a) => log.some((b) => a.entity_id !== b.entity_id && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
  });
});

describe('nsx recover under faults', () => {
  it('10% 5xx, 5% 429, 2% resets on the API: 500 events end with none rejected, running, exit 0', async () => {
    const h = await demo('accept-all');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'bulk', rejected: 500 });
    await h.admin('PUT', '/_sandbox/faults', { errorRate: 0.1, throttleRate: 0.05, resetRate: 0.02, routes: { token: { errorRate: 0, throttleRate: 0, resetRate: 0 } } });
    const r = await h.nsx(['recover', 'bulk', '--concurrency', '8', '--yes', '--watch', '1s', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ results: { delivered: 500, failed: 0, remaining: 0 }, status_after: 'running' });
    await h.admin('DELETE', '/_sandbox/faults');
    expect(rejectedOnServer(h, 'bulk')).toEqual([]);
    expect(statusOf(h, 'bulk')).toBe('running');
  }, 150_000);
});

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

  it('a second recover of the same integration refuses with exit 7 and names the holder', async () => {
    const h = await demo('accept-all', 40);
    const first = startNsx(['recover', 'erp-orders', '--yes', '--watch', '0'], h.env);
    await waitUntil(() => existsSync(join(h.env.NSX_STATE_DIR!, 'locks', 'sandbox--erp-orders.lock')), 'the lock file');
    const second = await h.nsx(['recover', 'erp-orders', '--yes']);
    expect(second.code).toBe(7);
    expect(second.stderr).toContain(`another nsx is retrying or deleting the rejected events of erp-orders (tenant sandbox): pid ${first.child.pid} on `);
    expect(second.stderr).toContain('`nsx recover erp-orders --yes --watch 0`, started ');
    // a dry run takes no lock and still works
    expect((await h.nsx(['recover', 'erp-orders', '--dry-run'])).code).toBe(0);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
  });
});
