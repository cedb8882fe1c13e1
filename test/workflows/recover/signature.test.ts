// Triage groups: event name + receiver status + the receiver's answer with ids and numbers masked.
import { describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../../../src/api/schemas.js';
import { answerText, groupBySignature, maskAnswer, signatureOf } from '../../../src/workflows/recover/signature.js';

function ev(id: string, name: string, status: number | null, body: unknown): RejectedEvent {
  return { id, rejected_at: '2026-11-20T08:00:00Z', event: { name, payload: { id } }, response: { status_code: status, body } };
}

describe('maskAnswer', () => {
  it('masks numbers, ids with digits, uuids and long hex', () => {
    expect(maskAnswer('product 10000999 is not in the ERP catalogue')).toBe('product # is not in the ERP catalogue');
    expect(maskAnswer('order ord-1234 (line 3) unknown')).toBe('order # (line #) unknown');
    expect(maskAnswer('request 0f8fad5b-d9cb-469f-a165-70867728950e failed')).toBe('request # failed');
    expect(maskAnswer('trace deadbeefcafebabe1234 at 2026-11-20T08:00:00Z')).toBe('trace # at #');
    expect(maskAnswer('ids 12, 13, 14 missing')).toBe('ids # missing');
  });
});

describe('answerText', () => {
  it('prefers message-like fields of a JSON answer, else the JSON, else the text', () => {
    expect(answerText({ error: 'unknown_product', message: 'product 1 is not known', product_id: '1' })).toBe('unknown_product: product 1 is not known');
    expect(answerText({ foo: 1 })).toBe('{"foo":1}');
    expect(answerText('  Bad\n request ')).toBe('Bad request');
    expect(answerText(undefined)).toBe('(no answer body)');
  });
});

describe('groupBySignature', () => {
  it('groups events that fail the same way, largest group first', () => {
    const events = [
      ev('1', 'order.created', 400, { error: 'unknown_product', message: 'product 10000999 is not in the ERP catalogue' }),
      ev('2', 'order.items_cancelled', 400, 'cancellations are not supported'),
      ev('3', 'order.created', 400, { error: 'unknown_product', message: 'product 10000123 is not in the ERP catalogue' }),
      ev('4', 'order.created', 422, { error: 'unknown_product', message: 'product 10000123 is not in the ERP catalogue' }),
      ev('5', 'order.created', 400, { error: 'unknown_product', message: 'product 10000555 is not in the ERP catalogue' }),
      ev('6', 'order.items_cancelled', 400, 'cancellations are not supported'),
    ];
    const groups = groupBySignature(events);
    expect(groups.map((g) => [g.signature.name, g.signature.status, g.events.map((e) => e.id)])).toEqual([
      ['order.created', 400, ['1', '3', '5']],
      ['order.items_cancelled', 400, ['2', '6']],
      ['order.created', 422, ['4']],
    ]);
    expect(groups[0]!.signature.answer).toBe('unknown_product: product # is not in the ERP catalogue');
  });

  it('separates event names and keeps a missing status apart', () => {
    expect(signatureOf(ev('1', 'order.created', null, null)).key).not.toBe(signatureOf(ev('2', 'order.opened', null, null)).key);
    expect(signatureOf(ev('1', 'order.created', null, null)).status).toBeNull();
  });
});
