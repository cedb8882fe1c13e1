// Scenario loading: the demo tenant others rely on (fixed ids), the empty one, and the recovery it stages.
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTSTREAM, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';

let t: TestSandbox | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('scenario demo', () => {
  it('seeds the four integrations with their documented states', async () => {
    t = await startTestSandbox({ scenario: 'demo' });
    const list = (await t.api('GET', EVENTSTREAM)).body.integrations as any[];
    const byId = Object.fromEntries(list.map((i) => [i.id, i]));
    expect(Object.keys(byId).sort()).toEqual(['erp-orders', 'replay-2026-11-20', 's3-archive', 'wms-fulfillment']);
    // The list shows a webhook with only its api_key, as NewStore's documented list does; get shows the URL.
    expect(byId['erp-orders']).toMatchObject({ status: 'stopped', integration_type: 'permanent', callback_parameters: { api_key: expect.any(String) } });
    expect(byId['erp-orders'].callback_parameters).not.toHaveProperty('callback_url');
    expect(byId['wms-fulfillment']).toMatchObject({ status: 'running', filter_conditions: { entities: ['fulfillment_request'] } });
    expect((await t.api('GET', `${EVENTSTREAM}/erp-orders`)).body.callback_parameters).toMatchObject({ callback_url: `${t.sb.receiverUrl}/erp` });
    expect((await t.api('GET', `${EVENTSTREAM}/wms-fulfillment`)).body.callback_parameters).toMatchObject({ callback_url: `${t.sb.receiverUrl}/wms` });
    expect(byId['s3-archive']).toMatchObject({ status: 'running', s3_parameters: { bucket: 'acme-event-archive' } });
    expect(byId['replay-2026-11-20']).toMatchObject({ status: 'stopped', integration_type: 'temporary', starts_at: '2026-11-20T00:00:00.000Z', ends_at: '2026-11-21T00:00:00.000Z' });
    expect(t.sb.receiver!.rule).toBe('reject-unknown-products');
  });

  it('erp-orders holds exactly the limit of realistic rejected order events, spread over time, and logs that explain the stop', async () => {
    t = await startTestSandbox({ scenario: 'demo' });
    const page = (await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=200`)).body;
    expect(page.pagination_info.total).toBe(100);
    const rejected = page.rejected_events as any[];
    const names = new Set(rejected.map((r) => r.event.name));
    expect(names.size).toBeGreaterThanOrEqual(3);
    for (const n of names) expect(n).toMatch(/^order\./);
    const times = rejected.map((r) => Date.parse(r.rejected_at));
    expect(times[99]! - times[0]!).toBeGreaterThan(12 * 3_600_000);
    for (const r of rejected) {
      expect(r.response.status_code).toBe(400);
      const products = (r.event.payload.items as { product_id: string }[]).map((i) => i.product_id);
      expect(products).toContain(r.response.body.product_id);
      expect(r.response.body.product_id).toMatch(/^2000/);
    }
    const logs = (await t.api('GET', `${EVENTSTREAM}/erp-orders/logs?count=200`)).body.logs as any[];
    expect(logs[0].level).toBe('error');
    expect(logs[0].message).toMatch(/rejected/);
    expect(logs[0].message).toMatch(/limit/);
    expect(logs.filter((l) => l.level === 'warning' && l.status_code === 400)).toHaveLength(100);
    const replayLogs = (await t.api('GET', `${EVENTSTREAM}/replay-2026-11-20/logs`)).body.logs as any[];
    expect(replayLogs[0].message).toMatch(/temporary integration finished/);
  });

  it('seeds stock at DC01 and a store node, with the worked example and open allocations', async () => {
    t = await startTestSandbox({ scenario: 'demo' });
    const stock = (await t.admin('GET', '/_sandbox/stock')).body;
    expect(stock.nodes).toEqual(expect.arrayContaining([{ fulfillment_node_id: 'DC01', store_id: null }, expect.objectContaining({ fulfillment_node_id: 'NYC01' })]));
    const example = stock.stock.find((s: any) => s.product_id === '10000102' && s.fulfillment_node_id === 'DC01');
    expect(example).toMatchObject({ on_hand: 10, allocated: 4, atp: 6 });
    expect(example.allocations.map((a: any) => [a.logical_timestamp, a.state])).toEqual([
      [10, 'completed'],
      [11, 'completed'],
      [12, 'completed'],
      [13, 'open'],
    ]);
    const store = stock.stock.filter((s: any) => s.fulfillment_node_id === 'NYC01');
    expect(store.some((s: any) => s.allocations.some((a: any) => a.state === 'open'))).toBe(true);
  });

  it('the receiver rule option overrides the scenario, and the staged recovery works', async () => {
    t = await startTestSandbox({ scenario: 'demo', receiver: { rule: 'accept-all' } });
    expect(t.sb.receiver!.rule).toBe('accept-all');
    const ids = ((await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=200`)).body.rejected_events as any[]).map((r) => r.id);
    for (const id of ids) {
      const res = await t.api('POST', `${EVENTSTREAM}/erp-orders/rejected_events/${id}/_retry`);
      expect(res.body).toEqual({ id, delivered: true });
    }
    expect((await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events`)).body.pagination_info.total).toBe(0);
    expect((await t.api('POST', `${EVENTSTREAM}/erp-orders/_start`)).status).toBe(200);
    // The backlog published since the stop (order events of the last two hours) is delivered.
    const erp = t.sb.state.integrations.get('erp-orders')!;
    await waitFor(() => erp.internal.cursor === t!.sb.state.nextSeq, 5000, 'the backlog');
    expect(t.sb.receiver!.log.filter((d) => d.path === '/erp' && d.status === 200).length).toBeGreaterThan(100);
    expect((await t.api('GET', `${EVENTSTREAM}/erp-orders`)).body.status).toBe('running');
  });

  it('the same seed gives the same demo data', async () => {
    t = await startTestSandbox({ scenario: 'demo' });
    const a = (await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=5`)).body.rejected_events.map((r: any) => r.event.payload.id);
    await t.close();
    t = await startTestSandbox({ scenario: 'demo' });
    const b = (await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=5`)).body.rejected_events.map((r: any) => r.event.payload.id);
    expect(b).toEqual(a);
  });

  it('a rejected limit option shapes the demo too', async () => {
    t = await startTestSandbox({ scenario: 'demo', rejectedLimit: 7 });
    expect((await t.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events`)).body.pagination_info.total).toBe(7);
  });
});

describe('scenario empty and reset', () => {
  it('empty has nothing; an admin reset loads another scenario', async () => {
    t = await startTestSandbox({ scenario: 'empty' });
    expect((await t.api('GET', EVENTSTREAM)).body.integrations).toEqual([]);
    expect((await t.admin('GET', '/_sandbox/stock')).body.stock).toEqual([]);
    const reset = await t.admin('POST', '/_sandbox/reset', { scenario: 'demo' });
    expect(reset.status).toBe(200);
    expect((await t.api('GET', EVENTSTREAM)).body.integrations).toHaveLength(4);
    expect((await t.admin('POST', '/_sandbox/reset', { scenario: 'nope' })).status).toBe(400);
    await t.admin('POST', '/_sandbox/reset', {});
    expect((await t.api('GET', EVENTSTREAM)).body.integrations).toEqual([]);
  });
});
