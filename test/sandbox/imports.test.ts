// The import API [contract §4] and the stock model, including the contract's worked example.
import { zipOf } from '../helpers/zip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportJob } from '../../src/api/schemas.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';
import { WORKED_EXAMPLE_STOCK } from '../helpers/stock.js';

let t: TestSandbox | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function upload(name: string, data: Buffer): Promise<string> {
  const res = await fetch(`${t!.sb.baseUrl}/_sandbox/files/${name}`, { method: 'PUT', body: data, headers: { 'content-type': 'application/zip' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

async function runImport(files: Record<string, string>, extra: Record<string, unknown> = {}): Promise<{ id: string; job: ImportJob }> {
  const url = await upload(`job-${Math.random().toString(36).slice(2)}.zip`, await zipOf(files));
  const created = await t!.api('POST', '/v0/d/import', { provider: 'nsx', name: 'stock', source_uri: url, entities: ['availabilities'], full: false, ...extra });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const started = await t!.api('POST', `/v0/d/import/${id}/start`, { transformed_uri: url });
  expect(started.status).toBe(200);
  const job = await waitFor(async () => {
    const j = ImportJob.parse((await t!.api('GET', `/v0/d/import/${id}`)).body);
    return j.state === 'finished' || j.state === 'failed' ? j : null;
  }, 5000, 'the job to complete');
  return { id, job };
}

const availabilities = (items: unknown[], head: Record<string, unknown> = {}) => JSON.stringify({ head: { store_mapping: [{ fulfillment_node_id: 'DC01', store_id: null }], ...head }, items });

describe('imports', () => {
  it('the worked example: on hand 17 with range 10-12 leaves the allocation of 13 and ATP 16', async () => {
    // Time scale 50: the job is "processing" for 100 ms, long enough for a 10 ms poll to see it on a busy
    // machine (at 1000 it lasted 5 ms and was sometimes missed).
    t = await startTestSandbox({ timeScale: 50 });
    const set = await t.admin('PUT', '/_sandbox/stock', WORKED_EXAMPLE_STOCK);
    expect(set.body.stock[0]).toMatchObject({ on_hand: 10, allocated: 4, atp: 6 });
    const url = await upload('stock.zip', await zipOf({ 'availabilities.json': availabilities([{ product_id: '10000102', fulfillment_node_id: 'DC01', quantity: 17 }], { logical_timestamp_range: { from: 10, to: 12 } }) }));
    const created = await t.api('POST', '/v0/d/import', { provider: 'nsx', name: 'stock', source_uri: url, entities: ['availabilities'], full: false });
    const id = created.body.id;
    const initial = (await t.api('GET', `/v0/d/import/${id}`)).body;
    expect(initial).toMatchObject({ import_id: id, state: 'received', entities: ['availabilities'], provider: 'nsx', full: false, transformed_uri: null });
    await t.api('POST', `/v0/d/import/${id}/start`, { transformed_uri: url });
    const states = new Set<string>();
    const job = await waitFor(async () => {
      const j = (await t!.api('GET', `/v0/d/import/${id}`)).body;
      states.add(j.state);
      return j.state === 'finished' || j.state === 'failed' ? j : null;
    }, 10_000, 'the job');
    expect(job.state).toBe('finished');
    expect(states.has('processing')).toBe(true);
    expect(Date.parse(job.completed_at)).toBeGreaterThanOrEqual(Date.parse(job.received_at));
    const [stock] = (await t.admin('GET', '/_sandbox/stock?product_id=10000102&fulfillment_node_id=DC01')).body.stock;
    expect(stock.on_hand).toBe(17);
    expect(stock.allocations.map((a: any) => [a.logical_timestamp, a.state])).toEqual([[13, 'open']]);
    expect(stock.atp).toBe(16);
    expect((await t.api('GET', `/v0/d/import/${id}/errors`)).body).toEqual([]);
    expect((await t.api('POST', `/v0/d/import/${id}/start`, { transformed_uri: url })).status).toBe(409);
  });

  it('fulfillment events create and complete allocations with growing logical timestamps', async () => {
    t = await startTestSandbox();
    await t.admin('PUT', '/_sandbox/stock', { product_id: '10000101', fulfillment_node_id: 'DC01', on_hand: 5 });
    const emitted = await t.admin('POST', '/_sandbox/emit', {
      events: [
        { name: 'fulfillment_request.assigned', payload: { id: 'fr-1', order_id: 'o-1', fulfillment_location_id: 'DC01', items: [{ id: 'i-1', product_id: '10000101' }, { id: 'i-2', product_id: '10000101' }] } },
        { name: 'fulfillment_request.items_completed', payload: { id: 'fr-1', order_id: 'o-1', fulfillment_location_id: 'DC01', items: [{ id: 'i-1', product_id: '10000101', carrier: 'UPS', tracking_code: '1Z', shipped_at: '2026-11-22T10:00:00Z' }] } },
      ],
    });
    expect(emitted.status).toBe(200);
    const [stock] = (await t.admin('GET', '/_sandbox/stock?product_id=10000101&fulfillment_node_id=DC01')).body.stock;
    expect(stock.allocations.map((a: any) => [a.id, a.state])).toEqual([
      ['i-2', 'open'],
      ['i-1', 'completed'],
    ]);
    const [open, done] = stock.allocations;
    expect(done.logical_timestamp).toBeGreaterThan(open.logical_timestamp);
    expect(stock.atp).toBe(3);
    // The generator's fulfillment events carry growing logical timestamps too.
    const gen = (await t.admin('POST', '/_sandbox/emit', { count: 20, events: 'fulfillment_request.items_completed' })).body;
    const events = (await t.admin('GET', `/_sandbox/events?since=${gen.first_seq - 1}`)).body.events as any[];
    const lts = events.map((e) => e.payload.logical_timestamp);
    expect(lts).toEqual([...lts].sort((a, b) => a - b));
    expect(new Set(lts).size).toBe(lts.length);
    expect(events[0].payload).toMatchObject({ fulfillment_location_id: expect.any(String), items: expect.arrayContaining([expect.objectContaining({ carrier: expect.any(String), tracking_code: expect.any(String) })]) });
  });

  it('invalid items fail the job with a reason and per-item errors; nothing is applied', async () => {
    t = await startTestSandbox({ timeScale: 1000 });
    const { id, job } = await runImport({
      'availabilities.json': availabilities([
        { product_id: '10000101', fulfillment_node_id: 'DC01', quantity: 3 },
        { product_id: '10000103', fulfillment_node_id: 'DC01', quantity: -1 },
        { product_id: '', fulfillment_node_id: 'DC01', quantity: 2 },
      ]),
    });
    expect(job.state).toBe('failed');
    expect(job.reason).toMatch(/2 invalid item/);
    // (updated) [doc] a bare array of {reason, error_id, entity_type, entity_id}, as NewStore documents it
    const errors = (await t.api('GET', `/v0/d/import/${id}/errors`)).body as any[];
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual({ reason: expect.stringMatching(/^items\.1\.quantity: /), error_id: 'e-0001', entity_type: 'availabilities', entity_id: '10000103' });
    expect(errors[1]).toEqual({ reason: expect.stringMatching(/^items\.2\.product_id: /), error_id: 'e-0002', entity_type: 'availabilities' });
    expect((await t.admin('GET', '/_sandbox/stock?product_id=10000101')).body.stock).toEqual([]);
  });

  it('fails full imports, zips without availabilities.json, bad JSON, unreadable URIs', async () => {
    t = await startTestSandbox({ timeScale: 1000 });
    const good = { 'availabilities.json': availabilities([{ product_id: '1', fulfillment_node_id: 'DC01', quantity: 1 }]) };
    expect((await runImport(good, { full: true })).job).toMatchObject({ state: 'failed', reason: expect.stringMatching(/full/) });
    expect((await runImport({ 'other.json': '{}' })).job.reason).toMatch(/availabilities\.json is missing/);
    expect((await runImport({ 'availabilities.json': '{nope' })).job.reason).toMatch(/not valid JSON/);
    const created = await t.api('POST', '/v0/d/import', { provider: 'nsx', name: 'x', source_uri: 's3://bucket/key.zip', entities: ['availabilities'] });
    await t.api('POST', `/v0/d/import/${created.body.id}/start`, { transformed_uri: `${t.sb.baseUrl}/_sandbox/files/missing.zip` });
    const job = await waitFor(async () => {
      const j = (await t!.api('GET', `/v0/d/import/${created.body.id}`)).body;
      return j.state === 'failed' ? j : null;
    }, 5000, 'the failure');
    expect(job.reason).toMatch(/no file "missing.zip"/);
    const notZip = await upload('plain.zip', Buffer.from('this is not a zip'));
    const c2 = await t.api('POST', '/v0/d/import', { provider: 'nsx', name: 'x', source_uri: notZip, entities: ['availabilities'] });
    await t.api('POST', `/v0/d/import/${c2.body.id}/start`, { transformed_uri: notZip });
    await waitFor(async () => (await t!.api('GET', `/v0/d/import/${c2.body.id}`)).body.reason?.includes('not a readable zip'), 5000, 'the zip failure');
  });

  it('validates requests, 404 for unknown jobs, 429 with Retry-After at 20 open jobs', async () => {
    t = await startTestSandbox();
    const bad = await t.api('POST', '/v0/d/import', { provider: 'nsx', name: 'x', entities: ['availabilities'] });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/^source_uri: /);
    expect((await t.api('POST', '/v0/d/import/imp-nope/start', { transformed_uri: 'x' })).status).toBe(404);
    expect((await t.api('GET', '/v0/d/import/imp-nope')).status).toBe(404);
    expect((await t.api('GET', '/v0/d/import/imp-nope/errors')).status).toBe(404);
    const body = { provider: 'nsx', name: 'x', source_uri: 'https://example.invalid/x.zip', entities: ['availabilities'] };
    for (let i = 0; i < 20; i++) expect((await t.api('POST', '/v0/d/import', body)).status).toBe(201);
    const full = await t.api('POST', '/v0/d/import', body);
    expect(full.status).toBe(429);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(full.headers.get('content-type')).toBe('application/problem+json');
  });

  it('the blob store answers what was put', async () => {
    t = await startTestSandbox();
    const data = await zipOf({ 'a.json': '{}' });
    await upload('blob.zip', data);
    const res = await fetch(`${t.sb.baseUrl}/_sandbox/files/blob.zip`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
    expect((await fetch(`${t.sb.baseUrl}/_sandbox/files/none.zip`)).status).toBe(404);
  });
});
