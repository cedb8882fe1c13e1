// The synthetic retail event source: interleaved order stories (created, opened, paid, fulfilled,
// completed; sometimes cancelled, swapped, returned and refunded) plus stand-alone inventory events.
// Names and payload fields follow contract §3.
import { globListMatcher } from '../input/glob.js';

/** An event as published by the sandbox; delivered as {tenant, name, published_at, idempotency_key, payload}. */
export interface SandboxEvent {
  seq: number;
  id: string;
  name: string;
  published_at: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

export interface EventDraft {
  name: string;
  payload: Record<string, unknown>;
}

export const EVENT_NAMES = [
  'fulfillment_request.assigned',
  'fulfillment_request.items_completed',
  'fulfillment_request.items_failed',
  'fulfillment_request.items_ready_for_handover',
  'order.created',
  'order.opened',
  'order.completed',
  'order.cancelled',
  'order.items_swapped',
  'order.items_cancelled',
  'order.shipped',
  'return.processed',
  'refund_request.issued',
  'payment_account.amount_authorized',
  'payment_account.amount_refunded',
  'inventory_transaction.items_received',
  'inventory_transaction.asn_created',
  'inventory_count.items_counted',
  'invoice.created',
] as const;

export interface Product {
  product_id: string;
  name: string;
  price: number;
}

/** Products the demo ERP knows. */
export const KNOWN_PRODUCTS: readonly Product[] = [
  { product_id: '10000101', name: 'Merino crew neck, navy, M', price: 89.0 },
  { product_id: '10000102', name: 'Merino crew neck, navy, L', price: 89.0 },
  { product_id: '10000103', name: 'Linen shirt, white, M', price: 69.95 },
  { product_id: '10000104', name: 'Linen shirt, white, L', price: 69.95 },
  { product_id: '10000105', name: 'Chino, stone, 32/32', price: 79.9 },
  { product_id: '10000106', name: 'Chino, stone, 34/32', price: 79.9 },
  { product_id: '10000107', name: 'Leather belt, brown, 90', price: 49.0 },
  { product_id: '10000108', name: 'Wool scarf, grey', price: 39.95 },
  { product_id: '10000109', name: 'Canvas tote, natural', price: 24.97 },
  { product_id: '10000110', name: 'Down jacket, black, M', price: 249.0 },
];

/** Products launched in NewStore but not yet in the demo ERP: orders with them get rejected by the demo receiver. */
export const UNKNOWN_PRODUCTS: readonly Product[] = [
  { product_id: '20000417', name: 'Cashmere beanie, camel', price: 59.0 },
  { product_id: '20000418', name: 'Cashmere beanie, charcoal', price: 59.0 },
  { product_id: '20000423', name: 'Overshirt, olive, M', price: 119.0 },
  { product_id: '20000431', name: 'Gift card sleeve', price: 2.97 },
];

export const KNOWN_PRODUCT_IDS: ReadonlySet<string> = new Set(KNOWN_PRODUCTS.map((p) => p.product_id));

export const FULFILLMENT_NODES = [
  { fulfillment_node_id: 'DC01', store_id: null },
  { fulfillment_node_id: 'NYC01', store_id: 'store-nyc-soho' },
] as const;

const CARRIERS = ['UPS', 'FedEx', 'DHL'] as const;
const SERVICE_LEVELS = ['standard', 'express', 'in_store_pickup'] as const;

interface OrderContext {
  orderId: string;
  externalId: string;
  currency: string;
  channel: string;
  isExchange: boolean;
  items: { id: string; product_id: string; price: number }[];
  nodeId: string;
  fulfillmentRequestId: string;
  paymentAccountId: string;
  cash: boolean;
}

export interface GeneratorOptions {
  random: () => number;
  /** Returns the next logical timestamp (a tenant-wide counter that only grows). */
  nextLogicalTimestamp: () => number;
  /** Share of orders containing a product the ERP does not know (default 0.1). */
  unknownProductRate?: number;
  now?: () => Date;
}

export class EventGenerator {
  private readonly random: () => number;
  private readonly nextLt: () => number;
  private readonly unknownRate: number;
  private readonly now: () => Date;
  private readonly stories: Generator<EventDraft, void, void>[] = [];
  private orderCounter = 0;

  constructor(opts: GeneratorOptions) {
    this.random = opts.random;
    this.nextLt = opts.nextLogicalTimestamp;
    this.unknownRate = opts.unknownProductRate ?? 0.1;
    this.now = opts.now ?? (() => new Date());
  }

  /** The next event of the interleaved stream. */
  next(): EventDraft {
    for (;;) {
      if (this.random() < 0.04) return this.inventoryEvent(this.pickInventoryName());
      if (this.stories.length < 2 || (this.stories.length < 6 && this.random() < 0.3)) {
        this.stories.push(this.orderStory(this.newOrder()));
      }
      const i = Math.floor(this.random() * this.stories.length);
      const story = this.stories[i]!;
      const step = story.next();
      if (step.done) {
        this.stories.splice(i, 1);
        continue;
      }
      return step.value;
    }
  }

  /** One event of the given name, for a fresh order when it is an order-related name. */
  byName(name: string, opts: { unknownProduct?: boolean } = {}): EventDraft {
    if (name.startsWith('inventory_')) return this.inventoryEvent(name);
    const ctx = this.newOrder(opts.unknownProduct);
    return this.orderEventFor(name, ctx);
  }

  /** Events of the given order-related names, in that order, all for one fresh order (out-of-order deliveries). */
  forOneOrder(names: readonly string[], opts: { unknownProduct?: boolean } = {}): EventDraft[] {
    const ctx = this.newOrder(opts.unknownProduct);
    return names.map((name) => this.orderEventFor(name, ctx));
  }

  /** Events whose name matches a glob, each for a fresh order; throws when nothing matches. */
  matching(glob: string): (opts?: { unknownProduct?: boolean }) => EventDraft {
    const match = globListMatcher(glob);
    const names = EVENT_NAMES.filter((n) => match(n));
    if (names.length === 0) throw new Error(`no sandbox event name matches "${glob}"`);
    return (opts) => this.byName(names[Math.floor(this.random() * names.length)]!, opts);
  }

  private hex(len: number): string {
    let s = '';
    while (s.length < len) s += Math.floor(this.random() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, len);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private newOrder(forceUnknown?: boolean): OrderContext {
    const count = 1 + Math.floor(this.random() * 3);
    const unknown = forceUnknown ?? this.random() < this.unknownRate;
    const items = Array.from({ length: count }, (_, i) => {
      const product = unknown && i === count - 1 ? this.pick(UNKNOWN_PRODUCTS) : this.pick(KNOWN_PRODUCTS);
      return { id: `item-${this.hex(10)}`, product_id: product.product_id, price: product.price };
    });
    const node = this.pick(FULFILLMENT_NODES);
    this.orderCounter += 1;
    return {
      orderId: `ord-${this.hex(12)}`,
      externalId: `SBX-${String(100000 + Math.floor(this.random() * 900000))}`,
      currency: node.fulfillment_node_id === 'DC01' ? 'USD' : 'USD',
      channel: node.store_id ? 'store' : 'web',
      isExchange: this.random() < 0.08,
      items,
      nodeId: node.fulfillment_node_id,
      fulfillmentRequestId: `fr-${this.hex(12)}`,
      paymentAccountId: `pa-${this.hex(12)}`,
      cash: node.store_id !== null && this.random() < 0.5,
    };
  }

  private *orderStory(ctx: OrderContext): Generator<EventDraft, void, void> {
    yield this.orderEventFor('order.created', ctx);
    yield this.orderEventFor('order.opened', ctx);
    yield this.orderEventFor('payment_account.amount_authorized', ctx);
    const r = this.random();
    if (r < 0.05) {
      yield this.orderEventFor('order.cancelled', ctx);
      return;
    }
    if (r < 0.15 && ctx.items.length > 1) {
      yield this.orderEventFor('order.items_cancelled', ctx);
      ctx.items = ctx.items.slice(0, -1);
    }
    yield this.orderEventFor('fulfillment_request.assigned', ctx);
    if (this.random() < 0.05) {
      yield this.orderEventFor('fulfillment_request.items_failed', ctx);
      yield this.orderEventFor('order.items_swapped', ctx);
      yield this.orderEventFor('fulfillment_request.assigned', ctx);
    }
    if (ctx.channel === 'store') yield this.orderEventFor('fulfillment_request.items_ready_for_handover', ctx);
    yield this.orderEventFor('fulfillment_request.items_completed', ctx);
    yield this.orderEventFor('invoice.created', ctx);
    yield this.orderEventFor('order.completed', ctx);
    if (this.random() < 0.1) {
      yield this.orderEventFor('return.processed', ctx);
      yield this.orderEventFor('refund_request.issued', ctx);
      yield this.orderEventFor('payment_account.amount_refunded', ctx);
    }
  }

  private total(ctx: OrderContext): number {
    return Math.round(ctx.items.reduce((s, i) => s + i.price, 0) * 100) / 100;
  }

  private orderEventFor(name: string, ctx: OrderContext): EventDraft {
    const at = this.now().toISOString();
    const orderItems = ctx.items.map((i) => ({ id: i.id, product_id: i.product_id, quantity: 1, price: i.price }));
    switch (name) {
      case 'order.created':
      case 'order.opened':
        return {
          name,
          payload: {
            id: ctx.orderId,
            external_id: ctx.externalId,
            channel: ctx.channel,
            currency: ctx.currency,
            is_exchange: ctx.isExchange,
            placed_at: at,
            items: orderItems,
            grand_total: this.total(ctx),
          },
        };
      case 'order.completed':
      case 'order.cancelled':
      case 'order.shipped':
        return { name, payload: { id: ctx.orderId, external_id: ctx.externalId, items: orderItems, updated_at: at } };
      case 'order.items_cancelled': {
        const last = orderItems[orderItems.length - 1]!;
        return { name, payload: { id: ctx.orderId, external_id: ctx.externalId, items: [last], reason: 'customer_request', updated_at: at } };
      }
      case 'order.items_swapped': {
        const first = orderItems[0]!;
        const replacement = this.pick(KNOWN_PRODUCTS);
        return {
          name,
          payload: { id: ctx.orderId, external_id: ctx.externalId, items: [{ ...first, product_id: replacement.product_id, replaced_product_id: first.product_id }], updated_at: at },
        };
      }
      case 'payment_account.amount_authorized': {
        const amount = this.total(ctx);
        const payload: Record<string, unknown> = { id: ctx.paymentAccountId, order_id: ctx.orderId, amount, currency: ctx.currency, method: ctx.cash ? 'cash' : 'credit_card' };
        if (ctx.cash) {
          // Cash rounding to 0.05; the attribute is absent when nothing was rounded [contract §3].
          const rounded = Math.round(amount * 20) / 20;
          if (Math.abs(rounded - amount) > 1e-9) payload.extended_attributes = { rounded_amount: Math.round(rounded * 100) / 100 };
        }
        return { name, payload };
      }
      case 'payment_account.amount_refunded':
        return { name, payload: { id: ctx.paymentAccountId, order_id: ctx.orderId, amount: ctx.items[0]?.price ?? 0, currency: ctx.currency } };
      case 'invoice.created':
        return { name, payload: { id: `inv-${this.hex(12)}`, order_id: ctx.orderId, amount: this.total(ctx), currency: ctx.currency, created_at: at } };
      case 'return.processed':
        return { name, payload: { id: `ret-${this.hex(12)}`, order_id: ctx.orderId, items: orderItems.slice(0, 1), return_location_id: ctx.nodeId, processed_at: at } };
      case 'refund_request.issued':
        return { name, payload: { id: `rr-${this.hex(12)}`, order_id: ctx.orderId, amount: ctx.items[0]?.price ?? 0, currency: ctx.currency } };
      default:
        if (name.startsWith('fulfillment_request.')) return this.fulfillmentEvent(name, ctx, at);
        return { name, payload: { id: `${name.split('.')[0]}-${this.hex(12)}`, order_id: ctx.orderId } };
    }
  }

  private fulfillmentEvent(name: string, ctx: OrderContext, at: string): EventDraft {
    const shipped = name === 'fulfillment_request.items_completed';
    const tracking = `1Z${this.hex(16).toUpperCase()}`;
    const carrier = this.pick(CARRIERS);
    return {
      name,
      payload: {
        id: ctx.fulfillmentRequestId,
        order_id: ctx.orderId,
        fulfillment_location_id: ctx.nodeId,
        service_level: ctx.channel === 'store' ? 'in_store_pickup' : this.pick(SERVICE_LEVELS.slice(0, 2)),
        logical_timestamp: this.nextLt(),
        items: ctx.items.map((i) => (shipped ? { id: i.id, product_id: i.product_id, carrier, tracking_code: tracking, shipped_at: at } : { id: i.id, product_id: i.product_id })),
      },
    };
  }

  private pickInventoryName(): string {
    return this.pick(['inventory_transaction.items_received', 'inventory_transaction.asn_created', 'inventory_count.items_counted']);
  }

  private inventoryEvent(name: string): EventDraft {
    const node = this.pick(FULFILLMENT_NODES).fulfillment_node_id;
    const items = Array.from({ length: 1 + Math.floor(this.random() * 3) }, () => ({ product_id: this.pick(KNOWN_PRODUCTS).product_id, quantity: 1 + Math.floor(this.random() * 24) }));
    return { name, payload: { id: `${name.startsWith('inventory_count') ? 'cnt' : 'itx'}-${this.hex(12)}`, fulfillment_node_id: node, items, created_at: this.now().toISOString() } };
  }
}

/** The entity an event is about (the part of its name before the first "."). */
export function entityOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** Product ids in an event's payload items (for the demo receiver's reject-unknown-products rule). */
export function productIdsOf(payload: Record<string, unknown>): string[] {
  const items = payload.items;
  if (!Array.isArray(items)) return [];
  const ids: string[] = [];
  for (const item of items) {
    if (item && typeof item === 'object' && typeof (item as { product_id?: unknown }).product_id === 'string') ids.push((item as { product_id: string }).product_id);
  }
  return ids;
}
