// nsx stock range's computation: shipments per node, duplicates once, other events only as "seen", gaps.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InvalidStockInputError } from '../../../src/workflows/stock/problems.js';
import { readRanges } from '../../../src/workflows/stock/range.js';

const completed = (key: string, node: string, lt: number) => ({
  tenant: 'acme',
  name: 'fulfillment_request.items_completed',
  published_at: '2026-11-20T10:00:00Z',
  idempotency_key: key,
  payload: { id: `fr-${key}`, order_id: 'o1', fulfillment_location_id: node, logical_timestamp: lt, items: [{ id: 'i1', product_id: 'P1' }] },
});
const assigned = (key: string, node: string, lt: number) => ({ ...completed(key, node, lt), name: 'fulfillment_request.assigned' });

function ndjson(records: unknown[]): Readable {
  return Readable.from([Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'))]);
}

describe('stock range', () => {
  it('computes the range per node, counting a duplicated delivery once and other events not at all', async () => {
    const report = await readRanges('-', ndjson([
      assigned('a1', 'DC01', 9),
      completed('k10', 'DC01', 10),
      completed('k11', 'DC01', 11),
      completed('k11', 'DC01', 11), // at-least-once delivery: the same event again
      completed('k12', 'STORE-7', 12),
      assigned('a13', 'DC01', 13),
      completed('k14', 'DC01', 14),
      { ...completed('k15', 'DC01', 15), name: 'order.created' }, // another name with the same key is another event
    ]));
    expect(report.nodes).toEqual([
      { fulfillment_node_id: 'DC01', from: 10, to: 14, events: 3, unseen: 0, unseen_first: [], gap_free_to: 14 },
      { fulfillment_node_id: 'STORE-7', from: 12, to: 12, events: 1, unseen: 0, unseen_first: [], gap_free_to: 12 },
    ]);
    expect(report.all).toMatchObject({ fulfillment_node_id: '*', from: 10, to: 14, events: 4 });
    expect(report).toMatchObject({ lines: 8, completed: 4, duplicates: 1, other_events: 3 });
  });

  it('reports timestamps seen in no event inside a range, and the highest shipment below the first of them', async () => {
    const report = await readRanges('-', ndjson([completed('a', 'DC01', 10), completed('b', 'DC01', 11), completed('c', 'DC01', 14), completed('d', 'DC01', 17)]));
    expect(report.nodes[0]).toEqual({ fulfillment_node_id: 'DC01', from: 10, to: 17, events: 4, unseen: 4, unseen_first: [12, 13, 15, 16], gap_free_to: 11 });
  });

  it('reads records that hold the webhook body under "event" (rejected events) and JSON arrays', async () => {
    const records = [{ id: 'r1', rejected_at: '2026-11-20T10:00:00Z', event: completed('k1', 'DC01', 5) }, { body: completed('k2', 'DC01', 6) }];
    const fromNdjson = await readRanges('-', ndjson(records));
    const fromArray = await readRanges('-', Readable.from([Buffer.from(`  \n${JSON.stringify(records)}`)]));
    expect(fromNdjson.nodes).toEqual(fromArray.nodes);
    expect(fromArray.nodes[0]).toMatchObject({ from: 5, to: 6, events: 2 });
  });

  it('refuses lines it cannot use, naming them (exit 2)', async () => {
    const input = Readable.from([Buffer.from(['{"name":', JSON.stringify({ ...completed('k', 'DC01', 1), payload: { logical_timestamp: 1 } }), JSON.stringify(completed('j', 'DC01', -3))].join('\n'))]);
    const error = (await readRanges('-', input).catch((e: unknown) => e)) as InvalidStockInputError;
    expect(error).toBeInstanceOf(InvalidStockInputError);
    expect(error.problems[0]).toMatch(/^line 1: not valid JSON/);
    expect(error.problems.slice(1)).toEqual([
      'line 2: fulfillment_request.items_completed without payload.fulfillment_location_id',
      'line 3: payload.logical_timestamp must be a non-negative integer, got -3',
    ]);
  });
});
