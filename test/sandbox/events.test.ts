// The synthetic event source: names from the contract, exchanges, cash rounding, logical timestamps.
import { describe, expect, it } from 'vitest';
import { WebhookBody } from '../../src/api/schemas.js';
import { EVENT_NAMES, EventGenerator } from '../../src/sandbox/events.js';
import { seededRandom } from '../../src/sandbox/util.js';

function generate(n: number, seed = 1) {
  let lt = 0;
  const g = new EventGenerator({ random: seededRandom(seed), nextLogicalTimestamp: () => ++lt });
  return Array.from({ length: n }, () => g.next());
}

describe('event generator', () => {
  const events = generate(3000);

  it('uses the contract names only, and most of them', () => {
    const names = new Set(events.map((e) => e.name));
    for (const n of names) expect(EVENT_NAMES).toContain(n);
    for (const n of ['order.created', 'order.opened', 'order.completed', 'order.cancelled', 'order.items_cancelled', 'fulfillment_request.assigned', 'fulfillment_request.items_completed', 'payment_account.amount_authorized', 'return.processed', 'refund_request.issued', 'invoice.created', 'inventory_count.items_counted']) {
      expect(names, n).toContain(n);
    }
    for (const e of events) WebhookBody.parse({ name: e.name, payload: e.payload });
  });

  it('marks exchanges with is_exchange: true on order.created and order.opened', () => {
    const created = events.filter((e) => e.name === 'order.created' || e.name === 'order.opened');
    expect(created.every((e) => typeof e.payload.is_exchange === 'boolean')).toBe(true);
    expect(created.some((e) => e.payload.is_exchange === true)).toBe(true);
  });

  it('carries extended_attributes.rounded_amount only on cash payments that were rounded', () => {
    const payments = events.filter((e) => e.name === 'payment_account.amount_authorized');
    const rounded = payments.filter((e) => e.payload.extended_attributes);
    expect(rounded.length).toBeGreaterThan(0);
    for (const p of rounded) {
      expect(p.payload.method).toBe('cash');
      const ra = (p.payload.extended_attributes as { rounded_amount: number }).rounded_amount;
      expect(Math.round(ra * 100) % 5).toBe(0);
      expect(ra).not.toBe(p.payload.amount);
    }
    expect(payments.some((p) => p.payload.method === 'cash' && !p.payload.extended_attributes)).toBe(true);
  });

  it('gives fulfillment events a growing logical timestamp, a location and items', () => {
    const fr = events.filter((e) => e.name.startsWith('fulfillment_request.'));
    const lts = fr.map((e) => e.payload.logical_timestamp as number);
    expect(lts).toEqual([...lts].sort((a, b) => a - b));
    for (const e of fr) {
      expect(e.payload).toMatchObject({ id: expect.any(String), order_id: expect.any(String), fulfillment_location_id: expect.any(String), service_level: expect.any(String) });
      expect((e.payload.items as unknown[]).length).toBeGreaterThan(0);
    }
    const completed = fr.find((e) => e.name === 'fulfillment_request.items_completed')!;
    expect((completed.payload.items as Record<string, unknown>[])[0]).toMatchObject({ carrier: expect.any(String), tracking_code: expect.any(String), shipped_at: expect.any(String) });
  });

  it('follows an order story in order (created before opened before completed)', () => {
    const byOrder = new Map<string, string[]>();
    for (const e of events) {
      const id = (e.name.startsWith('order.') ? e.payload.id : e.payload.order_id) as string | undefined;
      if (id) byOrder.set(id, [...(byOrder.get(id) ?? []), e.name]);
    }
    for (const names of byOrder.values()) {
      if (names.includes('order.completed')) expect(names.indexOf('order.created')).toBeLessThan(names.indexOf('order.completed'));
      if (names[0]) expect(names[0]).toBe('order.created');
    }
  });
});
