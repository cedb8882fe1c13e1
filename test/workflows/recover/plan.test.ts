// The recover plan: order, rules, counts, the file format, and reconciling a saved plan with the server.
import { describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../../../src/api/schemas.js';
import { ExitCode } from '../../../src/errors.js';
import {
  buildRecoverPlan,
  estimateDurationMs,
  parsePlan,
  parseRecoverRules,
  reconcilePlan,
  serializePlan,
  summarizePlan,
  NO_RULES,
} from '../../../src/workflows/recover/plan.js';

function ev(id: string, name: string, rejectedAt: string, extra: { publishedAt?: string; orderId?: string; status?: number; payload?: Record<string, unknown> } = {}): RejectedEvent {
  return {
    id,
    rejected_at: rejectedAt,
    attempts: 1,
    event: { name, published_at: extra.publishedAt, payload: { id: `p-${id}`, ...(extra.orderId ? { order_id: extra.orderId } : {}), ...extra.payload } },
    response: { status_code: extra.status ?? 400, body: { error: 'unknown_product' } },
  };
}

const integration = { id: 'erp-orders' };
const meta = { tenant: 'acme', now: new Date('2026-11-20T10:00:00Z') };

describe('buildRecoverPlan', () => {
  it('orders by rejected_at, then published_at, then id, comparing instants rather than strings', () => {
    const events = [
      ev('c', 'order.created', '2026-11-20T08:00:01Z'),
      ev('b', 'order.created', '2026-11-20T08:00:00.500Z'), // earlier than 08:00:01 although it sorts later as a string
      ev('e', 'order.created', '2026-11-20T08:00:00Z', { publishedAt: '2026-11-20T07:00:00Z' }),
      ev('d', 'order.created', '2026-11-20T08:00:00Z', { publishedAt: '2026-11-20T07:00:00Z' }),
      ev('a', 'order.created', '2026-11-20T08:00:00Z', { publishedAt: '2026-11-20T06:00:00Z' }),
      ev('f', 'order.created', '2026-11-20T08:00:00Z'), // no published_at: after those that have one
    ];
    const plan = buildRecoverPlan(integration, events, NO_RULES, meta);
    expect(plan.events.map((e) => e.id)).toEqual(['a', 'd', 'e', 'f', 'b', 'c']);
    expect(plan).toMatchObject({ format: 'nsx.recover-plan', version: 1, tenant: 'acme', integration: 'erp-orders', created_at: '2026-11-20T10:00:00.000Z' });
  });

  it('is pure: the input is not reordered and the same input gives the same plan', () => {
    const events = [ev('2', 'order.created', '2026-11-20T09:00:00Z'), ev('1', 'order.created', '2026-11-20T08:00:00Z')];
    const a = buildRecoverPlan(integration, events, NO_RULES, meta);
    const b = buildRecoverPlan(integration, events, NO_RULES, meta);
    expect(events.map((e) => e.id)).toEqual(['2', '1']);
    expect(a).toEqual(b);
  });

  it('records the entity: the payload order_id, else its id', () => {
    const plan = buildRecoverPlan(integration, [ev('1', 'fulfillment_request.assigned', '2026-11-20T08:00:00Z', { orderId: 'ord-7' }), ev('2', 'order.created', '2026-11-20T08:00:01Z')], NO_RULES, meta);
    expect(plan.events.map((e) => e.entity)).toEqual(['ord-7', 'p-2']);
  });

  it('applies --drop, --skip and --only with the shared filter syntax; --skip wins over --drop', () => {
    const events = [
      ev('1', 'order.created', '2026-11-20T08:00:00Z'),
      ev('2', 'order.items_cancelled', '2026-11-20T08:00:01Z'),
      ev('3', 'order.items_cancelled', '2026-11-20T08:00:02Z', { orderId: 'keep-me' }),
      ev('4', 'payment_account.amount_refunded', '2026-11-20T08:00:03Z', { status: 503 }),
    ];
    const rules = parseRecoverRules({ drop: ['event=order.items_cancelled'], skip: ['entity-id=keep-me'] });
    const plan = buildRecoverPlan(integration, events, rules, meta);
    expect(plan.events.map((e) => [e.id, e.action])).toEqual([['1', 'retry'], ['2', 'drop'], ['3', 'skip'], ['4', 'retry']]);
    expect(plan.events[1]!.rule).toBe('--drop event=order.items_cancelled');
    expect(plan.rules).toEqual({ drop: ['event=order.items_cancelled'], skip: ['entity-id=keep-me'], only: [] });

    const only = buildRecoverPlan(integration, events, parseRecoverRules({ only: ['event=order.* status-code=4xx'] }), meta);
    expect(only.events.map((e) => e.action)).toEqual(['retry', 'retry', 'retry', 'skip']);
  });

  it('rejects a bad rule with a usage error naming the flag', () => {
    expect(() => parseRecoverRules({ drop: ['evnt=order.*'] })).toThrow(/--drop: "evnt=order\.\*" is not KEY=VALUE/);
    try {
      parseRecoverRules({ skip: ['status-code=abc'] });
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(ExitCode.usage);
    }
  });
});

describe('summarizePlan and estimateDurationMs', () => {
  it('counts by event name and action, and finds the oldest and newest event', () => {
    const plan = buildRecoverPlan(
      integration,
      [ev('1', 'order.created', '2026-11-20T08:00:00Z'), ev('2', 'order.opened', '2026-11-20T09:00:00Z'), ev('3', 'order.created', '2026-11-20T07:00:00Z')],
      parseRecoverRules({ drop: ['event=order.opened'] }),
      meta,
    );
    const s = summarizePlan(plan.events);
    expect(s).toMatchObject({ total: 3, retry: 2, drop: 1, skip: 0, entities: 3 });
    expect(s.by_event).toEqual({ 'order.created': { total: 2, retry: 2, drop: 0, skip: 0 }, 'order.opened': { total: 1, retry: 0, drop: 1, skip: 0 } });
    expect(s.oldest?.id).toBe('3');
    expect(s.newest?.id).toBe('2');
  });

  it('estimates from calls, parallel lanes (bounded by entities) and the rate cap', () => {
    const plan = buildRecoverPlan(integration, Array.from({ length: 10 }, (_, i) => ev(String(i), 'order.created', `2026-11-20T08:00:0${i}Z`, { orderId: i < 5 ? 'A' : 'B' })), NO_RULES, meta);
    expect(estimateDurationMs(plan.events, { msPerCall: 100, concurrency: 1 })).toBe(1000);
    expect(estimateDurationMs(plan.events, { msPerCall: 100, concurrency: 8 })).toBe(500); // two entities: two lanes
    expect(estimateDurationMs(plan.events, { msPerCall: 100, concurrency: 8, ratePerSecond: 2 })).toBe(5000);
  });
});

describe('the plan file', () => {
  const plan = buildRecoverPlan(integration, [ev('1', 'order.created', '2026-11-20T08:00:00Z'), ev('2', 'order.opened', '2026-11-20T09:00:00Z')], parseRecoverRules({ skip: ['event=order.opened'] }), meta);

  it('round-trips, one event per line', () => {
    const text = serializePlan(plan);
    expect(parsePlan(text, 'plan.json')).toEqual(plan);
    expect(text.split('\n').filter((l) => l.includes('"action"'))).toHaveLength(2);
  });

  it('refuses other files, other versions, broken events and duplicates with usage errors', () => {
    expect(() => parsePlan('nope', 'x.json')).toThrow(/x\.json is not JSON/);
    expect(() => parsePlan('{"events": []}', 'x.json')).toThrow(/not an nsx recover plan/);
    expect(() => parsePlan(JSON.stringify({ ...plan, version: 2 }), 'x.json')).toThrow(/version 2 plan; this nsx reads version 1/);
    expect(() => parsePlan(JSON.stringify({ ...plan, events: [{ ...plan.events[0], action: 'explode' }] }), 'x.json')).toThrow(/events\.0\.action/);
    expect(() => parsePlan(JSON.stringify({ ...plan, events: [plan.events[0], plan.events[0]] }), 'x.json')).toThrow(/appears twice/);
  });

  it('reconciles with the server: events it does not mention, and events already gone', () => {
    const server = [ev('2', 'order.opened', '2026-11-20T09:00:00Z'), ev('9', 'order.created', '2026-11-20T10:00:00Z')];
    const r = reconcilePlan(plan, server);
    expect(r.unmentioned.map((e) => e.id)).toEqual(['9']);
    expect(r.gone.map((e) => e.id)).toEqual(['1']);
  });
});
