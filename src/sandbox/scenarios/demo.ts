// The demo tenant (ids are fixed: the README, the lead's --sandbox mode and tests rely on them):
// - erp-orders: webhook to the demo receiver, STOPPED because its rejected events reached the limit
//   (orders with products the ERP does not know yet), with the log entries that explain it and a small
//   backlog of orders published since it stopped;
// - wms-fulfillment: running webhook, filtered on the fulfillment_request entity;
// - s3-archive: running S3 export;
// - replay-2026-11-20: a temporary integration that replayed 20 Nov 2026 and stopped by itself;
// - stock at the DC01 distribution centre and the NYC01 store, with open allocations; product 10000102 at
//   DC01 is the contract's worked example (on hand 10, shipped at logical timestamps 10, 11, 12, one more
//   allocation at 13 still open).
import { KNOWN_PRODUCTS } from '../events.js';
import { LOG_MESSAGES } from '../messages.js';
import type { SandboxEvent } from '../events.js';
import type { Scenario, ScenarioStock } from './types.js';

const HOUR = 3_600_000;
const REPLAY_FROM = '2026-11-20T00:00:00.000Z';
const REPLAY_TO = '2026-11-21T00:00:00.000Z';
const REJECTED_NAMES = ['order.created', 'order.created', 'order.opened', 'order.opened', 'order.items_cancelled'] as const;

const STOCK: ScenarioStock[] = [
  { product_id: '10000101', fulfillment_node_id: 'DC01', on_hand: 42, safety_stock: 2, allocations: [{ logical_timestamp: 21, quantity: 1, state: 'open' }] },
  {
    product_id: '10000102',
    fulfillment_node_id: 'DC01',
    on_hand: 10,
    allocations: [
      { logical_timestamp: 10, quantity: 1, state: 'completed' },
      { logical_timestamp: 11, quantity: 1, state: 'completed' },
      { logical_timestamp: 12, quantity: 1, state: 'completed' },
      { logical_timestamp: 13, quantity: 1, state: 'open' },
    ],
  },
  { product_id: '10000103', fulfillment_node_id: 'DC01', on_hand: 25, safety_stock: 3 },
  { product_id: '10000105', fulfillment_node_id: 'DC01', on_hand: 18, reservations: 2, allocations: [{ logical_timestamp: 17, quantity: 2, state: 'open' }] },
  { product_id: '10000110', fulfillment_node_id: 'DC01', on_hand: 7 },
  { product_id: '10000101', fulfillment_node_id: 'NYC01', on_hand: 6, reservations: 1, allocations: [{ logical_timestamp: 19, quantity: 1, state: 'open' }] },
  {
    product_id: '10000104',
    fulfillment_node_id: 'NYC01',
    on_hand: 4,
    allocations: [
      { logical_timestamp: 18, quantity: 1, state: 'completed' },
      { logical_timestamp: 20, quantity: 1, state: 'open' },
    ],
  },
  { product_id: '10000108', fulfillment_node_id: 'NYC01', on_hand: 12, safety_stock: 1 },
];

export const demo: Scenario = {
  description: 'erp-orders stopped at its rejected-events limit, wms-fulfillment and s3-archive running, a finished replay, stock at DC01 and NYC01',
  receiverRule: 'reject-unknown-products',
  logicalTimestampStart: 100,
  build(ctx) {
    const { now, random, generator, rejectedLimit } = ctx;
    const historyFrom = now - 72 * HOUR;
    const rejectFrom = now - 30 * HOUR;
    const stoppedAt = now - 2 * HOUR;

    // The timeline: a background order flow every ~15 minutes for three days (known products only, so the
    // ERP accepted them), and `rejectedLimit` orders with new products between 30 and 2 hours ago.
    type Slot = { at: number; rejected: boolean; order?: boolean };
    const slots: Slot[] = [];
    for (let t = historyFrom; t < now - 5 * 60_000; t += 15 * 60_000) slots.push({ at: t + Math.floor(random() * 10 * 60_000), rejected: false });
    // Orders keep coming after the stop: erp-orders' backlog, delivered once it is recovered.
    for (const minutes of [25, 55, 85]) slots.push({ at: stoppedAt + minutes * 60_000, rejected: false, order: true });
    for (let k = 0; k < rejectedLimit; k++) {
      const at = rejectedLimit === 1 ? stoppedAt : rejectFrom + Math.round((k * (stoppedAt - rejectFrom)) / (rejectedLimit - 1));
      slots.push({ at, rejected: true });
    }
    slots.sort((a, b) => a.at - b.at);

    const rejected: { event: SandboxEvent; at: number }[] = [];
    let lastRejectedSeq = 0;
    for (const slot of slots) {
      if (slot.rejected) {
        const name = REJECTED_NAMES[Math.floor(random() * REJECTED_NAMES.length)]!;
        const event = ctx.publish(() => generator.byName(name, { unknownProduct: true }), new Date(slot.at));
        rejected.push({ event, at: slot.at });
        lastRejectedSeq = event.seq;
      } else if (slot.order) {
        ctx.publish(() => generator.byName('order.created', { unknownProduct: false }), new Date(slot.at));
      } else {
        ctx.publish(() => generator.next(), new Date(slot.at));
      }
    }

    const receiver = (path: string) => ({ callback_url: ctx.receiverUrl(path), api_key: `demo-${path.slice(1)}-key` });

    // erp-orders: stopped at the limit; its cursor is just after the last rejected event (the backlog since waits).
    const erpCreated = new Date(historyFrom - HOUR);
    ctx.addIntegration(
      { id: 'erp-orders', status: 'stopped', callback_parameters: receiver('/erp'), filter_conditions: { entities: ['order'] }, created_at: erpCreated, builtin_receiver: true, stop_reason: 'rejected_limit' },
      lastRejectedSeq + 1,
    );
    ctx.addLog('erp-orders', 'info', LOG_MESSAGES.registered(), erpCreated);
    for (const { event, at } of rejected) {
      const items = (event.payload.items as { product_id: string }[] | undefined) ?? [];
      const productId = items.find((i) => !KNOWN_PRODUCTS.some((p) => p.product_id === i.product_id))?.product_id ?? items[0]?.product_id ?? 'unknown';
      const body = { error: 'unknown_product', message: `product ${productId} is not in the ERP catalogue`, product_id: productId };
      const rejectedAt = new Date(at + 1500 + Math.floor(random() * 3000));
      ctx.addRejected('erp-orders', event, rejectedAt, { status_code: 400, body });
      ctx.addLog('erp-orders', 'warning', LOG_MESSAGES.rejected(event.name, event.id, body), rejectedAt, { event_name: event.name, status_code: 400 });
    }
    const last = rejected[rejected.length - 1];
    if (last) {
      ctx.addLog('erp-orders', 'error', LOG_MESSAGES.limitReached(rejected.length, rejectedLimit), new Date(last.at + 5000), { event_name: last.event.name, status_code: 400 });
    }

    // wms-fulfillment and s3-archive: running and caught up.
    const wmsCreated = new Date(historyFrom - 12 * HOUR);
    ctx.addIntegration(
      { id: 'wms-fulfillment', status: 'running', callback_parameters: receiver('/wms'), filter_conditions: { entities: ['fulfillment_request'] }, created_at: wmsCreated, builtin_receiver: true },
      ctx.nextSeq(),
    );
    ctx.addLog('wms-fulfillment', 'info', LOG_MESSAGES.registered(), wmsCreated);

    const s3Created = new Date(historyFrom - 24 * HOUR);
    ctx.addIntegration(
      {
        id: 's3-archive',
        status: 'running',
        s3_parameters: { aws_access_key_id: 'AKIASANDBOXDEMO00001', aws_secret_access_key: 'sandbox-demo-secret-access-key', aws_region: 'us-east-1', bucket: 'acme-event-archive', key_prefix: 'newstore/events/' },
        created_at: s3Created,
      },
      ctx.nextSeq(),
    );
    ctx.addLog('s3-archive', 'info', LOG_MESSAGES.registered(), s3Created);

    // replay-2026-11-20: a temporary integration that replayed one day of orders, then stopped by itself.
    const replayCreated = new Date(Math.max(Date.parse(REPLAY_TO), now - 26 * HOUR));
    ctx.addIntegration(
      {
        id: 'replay-2026-11-20',
        status: 'stopped',
        integration_type: 'temporary',
        starts_at: REPLAY_FROM,
        ends_at: REPLAY_TO,
        callback_parameters: receiver('/replay'),
        filter_conditions: { entities: ['order'] },
        created_at: replayCreated,
        builtin_receiver: true,
        stop_reason: 'window_end',
      },
      ctx.firstSeqAtOrAfter(REPLAY_TO),
    );
    ctx.addLog('replay-2026-11-20', 'info', LOG_MESSAGES.registeredTemporary(REPLAY_FROM, REPLAY_TO), replayCreated);
    ctx.addLog('replay-2026-11-20', 'info', LOG_MESSAGES.windowFinished(REPLAY_FROM, REPLAY_TO), new Date(replayCreated.getTime() + 4 * 60_000));

    ctx.setNode('DC01', null);
    ctx.setNode('NYC01', 'store-nyc-soho');
    for (const s of STOCK) ctx.setStock(s);
  },
};
