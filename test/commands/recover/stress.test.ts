// nsx recover under stress, run in-process: parallel entities, injected faults, the lock.
// (SIGKILL and Ctrl-C of the process are test/e2e/recover-crash.e2e.test.ts.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { expectedOrder, holdReceiver, receiverLog, rejectedOnServer, setReceiverRule, statusOf, waitUntil, type Delivery, type HeldReceiver } from './recover-sandbox.js';

let h: InProcessSandboxHarness | undefined;
let held: HeldReceiver | undefined;
afterEach(async () => {
  await held?.close();
  held = undefined;
  await h?.close();
  h = undefined;
});

async function demo(rule: string, latencyMs?: number): Promise<InProcessSandboxHarness> {
  h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  await setReceiverRule(h, rule, latencyMs);
  return h;
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

describe('the lock', () => {
  it('a second recover of the same integration refuses with exit 7 and names the holder', async () => {
    const h = await demo('accept-all');
    held = await holdReceiver(h, 'erp-orders'); // the first recover stays in flight until the test ends it
    const first = h.start(['recover', 'erp-orders', '--yes', '--watch', '0']);
    await waitUntil(() => existsSync(join(h.env.NSX_STATE_DIR!, 'locks', 'sandbox--erp-orders.lock')), 'the lock file');
    const second = await h.nsx(['recover', 'erp-orders', '--yes']);
    expect(second.code).toBe(7);
    expect(second.stderr).toContain(`another nsx is retrying or deleting the rejected events of erp-orders (tenant sandbox): pid ${process.pid} on `);
    expect(second.stderr).toContain('`nsx recover erp-orders --yes --watch 0`, started ');
    // a dry run takes no lock and still works
    expect((await h.nsx(['recover', 'erp-orders', '--dry-run'])).code).toBe(0);
    first.interrupt();
    held.release();
    expect((await first.result).code).toBe(130);
  });
});
