// Fault injection on the API and the demo receiver's rules, concurrency and delivery log.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type RunningReceiver } from '../../src/sandbox/index.js';
import { EVENTSTREAM, call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox | null = null;
let r: RunningReceiver | null = null;
afterEach(async () => {
  await t?.close();
  await r?.close();
  t = null;
  r = null;
});

function rawGet(url: string, token: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

describe('faults', () => {
  it('errorRate 1 answers 5xx problem+json; throttleRate 1 answers 429 with Retry-After', async () => {
    t = await startTestSandbox({ faults: { routes: { listIntegrations: { errorRate: 1 } } } });
    const res = await t.api('GET', EVENTSTREAM);
    expect((await t.api('GET', `${EVENTSTREAM}/none`)).status).toBe(404); // other routes unaffected
    await t.admin('PUT', '/_sandbox/faults', { errorRate: 1 });
    expect((await t.api('GET', `${EVENTSTREAM}/none`)).status).toBeGreaterThanOrEqual(500);
    expect([500, 502, 503]).toContain(res.status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.request_id).toBeTruthy();
    // The admin API is never faulted; faults change at run time.
    const set = await t.admin('PUT', '/_sandbox/faults', { throttleRate: 1 });
    expect(set.status).toBe(200);
    const throttled = await t.api('GET', EVENTSTREAM);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect((await t.admin('DELETE', '/_sandbox/faults')).status).toBe(204);
    expect((await t.api('GET', EVENTSTREAM)).status).toBe(200);
    expect((await t.admin('PUT', '/_sandbox/faults', { errorRate: 2 })).status).toBe(400);
    expect((await t.admin('PUT', '/_sandbox/faults', { routes: { nope: { errorRate: 1 } } })).body.detail).toMatch(/routes\.nope/);
  });

  it('resetRate 1 drops the connection; latency delays; per-route overrides win', async () => {
    t = await startTestSandbox({ faults: { routes: { listLogs: { resetRate: 1 }, getIntegration: { latencyMs: [80, 120] } } } });
    await t.api('POST', EVENTSTREAM, { id: 'f', callback_parameters: { callback_url: 'http://127.0.0.1:1/' } });
    expect(await rawGet(`${t.sb.baseUrl}${EVENTSTREAM}/f/logs`, t.token)).toBe('ECONNRESET');
    expect(await rawGet(`${t.sb.baseUrl}${EVENTSTREAM}/f/rejected_events`, t.token)).toBe(200);
    const started = performance.now();
    expect((await t.api('GET', `${EVENTSTREAM}/f`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    // Token endpoint faults are keyed "token".
    await t.admin('PUT', '/_sandbox/faults', { routes: { token: { errorRate: 1 } } });
    const tok = await call(t.sb.tokenUrl, 'POST', 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(tok.status).toBeGreaterThanOrEqual(500);
  });
});

describe('demo receiver', () => {
  async function post(url: string, body: unknown) {
    return call(url, 'POST', body);
  }

  it('applies its rules', async () => {
    r = await startReceiver({ rule: 'accept-all' });
    const order = (productId: string) => ({ name: 'order.created', idempotency_key: 'k', payload: { id: 'o1', items: [{ product_id: productId }] } });
    expect((await post(`${r.url}/x`, order('99999999'))).status).toBe(200);
    r.setRule('reject-unknown-products');
    const rej = await post(`${r.url}/x`, order('99999999'));
    expect(rej.status).toBe(400);
    expect(rej.body).toMatchObject({ error: 'unknown_product', product_id: '99999999' });
    expect(rej.body.message).toContain('99999999');
    expect((await post(`${r.url}/x`, order('10000101'))).status).toBe(200);
    expect((await post(`${r.url}/x`, { name: 'fulfillment_request.assigned', payload: { id: 'f', items: [{ product_id: '99999999' }] } })).status).toBe(200);
    r.setRule('fail-all');
    expect((await post(`${r.url}/x`, order('10000101'))).status).toBe(503);
    r.setRule('reject-events:order.c*');
    expect((await post(`${r.url}/x`, order('10000101'))).status).toBe(400);
    expect((await post(`${r.url}/x`, { name: 'order.opened', payload: { id: 'o' } })).status).toBe(200);
    expect(() => r!.setRule('nonsense' as never)).toThrow(/unknown receiver rule/);
  });

  it('serves concurrent requests and logs start/end with sub-millisecond precision', async () => {
    r = await startReceiver({ rule: 'accept-all', latencyMs: 100 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => post(`${r!.url}/c`, { name: 'order.created', idempotency_key: `k${i}`, payload: { id: `o${i}`, order_id: `o${i}` } })));
    expect(performance.now() - started).toBeLessThan(1000); // not 20 x 100 ms one after another
    expect(r.log).toHaveLength(20);
    const overlapping = r.log.filter((a) => r!.log.some((b) => b !== a && b.start < a.end && a.start < b.end));
    expect(overlapping.length).toBeGreaterThan(1);
    for (const d of r.log) {
      expect(d.end).toBeGreaterThan(d.start);
      expect(d.end - d.start).toBeGreaterThanOrEqual(99);
      expect(d.entity_id).toBe(d.order_id);
    }
    expect(r.log.some((d) => !Number.isInteger(d.start))).toBe(true);
  });

  it('the admin API switches the running receiver and serves its log', async () => {
    t = await startTestSandbox();
    const set = await t.admin('PUT', '/_sandbox/receiver/rule', { rule: 'fail-all' });
    expect(set.body).toMatchObject({ rule: 'fail-all', url: t.sb.receiverUrl });
    expect((await t.admin('PUT', '/_sandbox/receiver/rule', { rule: 'bogus' })).status).toBe(400);
    await t.api('POST', EVENTSTREAM, { id: 'w', callback_parameters: { callback_url: `${t.sb.receiverUrl}/w`, api_key: 'k' } });
    await t.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all' });
    await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created', payload: { id: 'ord-1', order_id: 'ord-1' } }] });
    const log = await (async () => {
      for (let i = 0; i < 200; i++) {
        const res = (await t!.admin('GET', '/_sandbox/receiver/log')).body;
        if (res.deliveries.length > 0) return res;
        await new Promise((res) => setTimeout(res, 10));
      }
      throw new Error('no delivery');
    })();
    expect(log.deliveries[0]).toMatchObject({ name: 'order.created', payload_id: 'ord-1', order_id: 'ord-1', status: 200, path: '/w' });
    expect(typeof log.deliveries[0].start).toBe('number');
    const since = (await t.admin('GET', `/_sandbox/receiver/log?since=${log.deliveries[0].seq}`)).body;
    expect(since.deliveries).toEqual([]);
    expect((await t.admin('DELETE', '/_sandbox/receiver/log')).status).toBe(204);
    expect((await t.admin('GET', '/_sandbox/receiver/log')).body.deliveries).toEqual([]);
  });
});
