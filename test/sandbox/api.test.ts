// Contract tests of every NewStore endpoint the sandbox serves (contract §1, §2), with plain fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE, IntegrationList, LogEntry, RejectedEvent, RetryResult, TokenResponse } from '../../src/api/schemas.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { EVENTSTREAM, call, getToken, startTestSandbox, webhook, type TestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';
import { LIMITS } from '../../src/api/routes.js';
import { readFileSync } from 'node:fs';

/** The documented sample (reference/samples/published-events.json): its first attempt a success, its second a failure. */
const PUBLISHED_SAMPLE = JSON.parse(readFileSync(new URL('../fixtures/newstore-samples/published-events.json', import.meta.url), 'utf8')) as Record<string, unknown>[];

describe('token endpoint', () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  it('issues a bearer token for the form grant, with expires_in', async () => {
    const res = await call(t.sb.tokenUrl, 'POST', new URLSearchParams({ grant_type: 'client_credentials', client_id: t.sb.clientId, client_secret: t.sb.clientSecret }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    const tok = TokenResponse.parse(res.body);
    expect(tok.token_type).toBe('Bearer');
    expect(tok.expires_in).toBe(300);
    expect((await t.api('GET', EVENTSTREAM, undefined, { authorization: `Bearer ${tok.access_token}` })).status).toBe(200);
  });

  it('accepts HTTP Basic credentials', async () => {
    const basic = Buffer.from(`${t.sb.clientId}:${t.sb.clientSecret}`).toString('base64');
    const res = await call(t.sb.tokenUrl, 'POST', 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^sbx\./);
  });

  it('answers 401 problem+json for a wrong secret', async () => {
    const res = await call(t.sb.tokenUrl, 'POST', `grant_type=client_credentials&client_id=${t.sb.clientId}&client_secret=nope`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('answers 400 for another grant type and 404 for another realm', async () => {
    const bad = await call(t.sb.tokenUrl, 'POST', `grant_type=password&client_id=${t.sb.clientId}&client_secret=${t.sb.clientSecret}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(bad.status).toBe(400);
    const other = await call(t.sb.tokenUrl.replace('/realms/sandbox/', '/realms/acme/'), 'POST', 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(other.status).toBe(404);
  });

  it('serves the legacy password grant at /v0/token', async () => {
    const res = await call(`${t.sb.baseUrl}/v0/token`, 'POST', `grant_type=password&username=${t.sb.clientId}&password=${t.sb.clientSecret}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeTruthy();
  });
});

describe('authentication of API calls', () => {
  it('401 without Authorization, 403 for an invalid token, 403 once the token expired', async () => {
    const sb = await startSandbox({ port: 0, scenario: 'empty', tokenTtlSeconds: 1, receiver: false });
    try {
      const url = `${sb.baseUrl}${EVENTSTREAM}`;
      const none = await call(url, 'GET');
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toBe('application/problem+json');
      const forged = await call(url, 'GET', undefined, { authorization: 'Bearer sbx.abc.def.ghi.jkl' });
      expect(forged.status).toBe(403);
      const token = await getToken(sb);
      expect((await call(url, 'GET', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
      const expired = await waitFor(async () => {
        const r = await call(url, 'GET', undefined, { authorization: `Bearer ${token}` });
        return r.status === 403 ? r : null;
      }, 3000, 'the token to expire');
      expect(expired.body.detail).toMatch(/expired/);
    } finally {
      await sb.close();
    }
  });
});

describe('integrations', () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  });
  afterAll(() => t.close());

  it('registers (201), lists, gets, and starts at once', async () => {
    const reg = await t.api('POST', EVENTSTREAM, webhook('crud-1', `${t.sb.receiverUrl}/crud`, { filter_conditions: { entities: ['order'] } }));
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ id: 'crud-1', status: 'running', integration_type: 'permanent', callback_parameters: { callback_url: `${t.sb.receiverUrl}/crud`, api_key: 'key-crud-1' } });
    expect(reg.body.internal).toBeUndefined();
    const list = await t.api('GET', EVENTSTREAM);
    expect(list.status).toBe(200);
    expect(IntegrationList.parse(list.body).integrations.map((i) => i.id)).toContain('crud-1');
    const got = await t.api('GET', `${EVENTSTREAM}/crud-1`);
    expect(got.body).toMatchObject({ id: 'crud-1', status: 'running', filter_conditions: { entities: ['order'] } });
    expect(got.headers.get('date')).toBeTruthy();
  });

  it('answers 400 problem+json naming the wrong field', async () => {
    const res = await t.api('POST', EVENTSTREAM, { id: 'bad-url', callback_parameters: { callback_url: 'not a url' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toBe('callback_parameters.callback_url: Invalid URL');
    expect(res.body.request_id).toBeTruthy();
    const unknown = await t.api('POST', EVENTSTREAM, { id: 'x', callback_parameters: { callback_url: 'http://127.0.0.1:1/' }, colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('colour');
    const both = await t.api('POST', EVENTSTREAM, { id: 'x' });
    expect(both.body.detail).toMatch(/exactly one of callback_parameters or s3_parameters/);
    const window = await t.api('POST', EVENTSTREAM, webhook('x', 'http://127.0.0.1:1/', { starts_at: '2026-11-20T10:00:00Z', ends_at: '2026-11-20T09:00:00Z' }));
    expect(window.status).toBe(400);
    expect(window.body.detail).toMatch(/^ends_at:/);
    const json = await call(`${t.sb.baseUrl}${EVENTSTREAM}`, 'POST', '{oops', { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' });
    expect(json.status).toBe(400);
  });

  it('answers 409 for a duplicate id and for the 26th integration', async () => {
    const dup = await t.api('POST', EVENTSTREAM, webhook('crud-1', 'http://127.0.0.1:1/'));
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toBe('application/problem+json');
    const existing = (await t.api('GET', EVENTSTREAM)).body.integrations.length as number;
    for (let i = existing; i < 25; i++) {
      expect((await t.api('POST', EVENTSTREAM, webhook(`fill-${i}`, 'http://127.0.0.1:1/'))).status).toBe(201);
    }
    const extra = await t.api('POST', EVENTSTREAM, webhook('one-too-many', 'http://127.0.0.1:1/'));
    expect(extra.status).toBe(409);
    expect(extra.body.detail).toMatch(/25/);
    for (let i = existing; i < 25; i++) expect((await t.api('DELETE', `${EVENTSTREAM}/fill-${i}`)).status).toBe(204);
  });

  it('start on running and stop on stopped answer 200 {}', async () => {
    for (const [verb, expected] of [
      ['_start', 'running'],
      ['_stop', 'stopped'],
      ['_stop', 'stopped'],
      ['_start', 'running'],
    ] as const) {
      const res = await t.api('POST', `${EVENTSTREAM}/crud-1/${verb}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expect((await t.api('GET', `${EVENTSTREAM}/crud-1`)).body.status).toBe(expected);
    }
    const logs = (await t.api('GET', `${EVENTSTREAM}/crud-1/logs`)).body.logs as { message: string }[];
    expect(logs[0]!.message).toMatch(/started by the user/);
    expect(logs.filter((l) => /stopped by the user/.test(l.message))).toHaveLength(1);
  });

  it('404 for unknown ids on every id route, 405 for a wrong method, 404 for an unknown path', async () => {
    for (const [method, path] of [
      ['GET', `${EVENTSTREAM}/nope`],
      ['POST', `${EVENTSTREAM}/nope/_start`],
      ['POST', `${EVENTSTREAM}/nope/_stop`],
      ['DELETE', `${EVENTSTREAM}/nope`],
      ['GET', `${EVENTSTREAM}/nope/logs`],
      ['GET', `${EVENTSTREAM}/nope/rejected_events`],
      ['POST', `${EVENTSTREAM}/nope/rejected_events/e1/_retry`],
      ['DELETE', `${EVENTSTREAM}/nope/rejected_events/e1`],
      ['POST', `${EVENTSTREAM}/crud-1/rejected_events/e1/_retry`],
      ['DELETE', `${EVENTSTREAM}/crud-1/rejected_events/e1`],
    ] as const) {
      const res = await t.api(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    }
    expect((await t.api('PUT', `${EVENTSTREAM}/crud-1`)).status).toBe(405);
    expect((await t.api('GET', '/api/v1/nothing-here')).status).toBe(404);
  });

  it('delete answers 204 and removes the logs and rejected events too', async () => {
    await t.admin('POST', '/_sandbox/seed', { integration_id: 'doomed', logs: 5, rejected: 3 });
    expect((await t.api('GET', `${EVENTSTREAM}/doomed/rejected_events`)).body.rejected_events).toHaveLength(3);
    const del = await t.api('DELETE', `${EVENTSTREAM}/doomed`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await t.api('GET', `${EVENTSTREAM}/doomed`)).status).toBe(404);
    expect((await t.api('GET', `${EVENTSTREAM}/doomed/logs`)).status).toBe(404);
    expect(t.sb.state.logs.has('doomed')).toBe(false);
    expect(t.sb.state.rejected.has('doomed')).toBe(false);
    // Registering the id again starts from nothing.
    await t.api('POST', EVENTSTREAM, webhook('doomed', 'http://127.0.0.1:1/'));
    expect((await t.api('GET', `${EVENTSTREAM}/doomed/rejected_events`)).body.pagination_info.total).toBe(0);
    await t.api('DELETE', `${EVENTSTREAM}/doomed`);
  });
});

describe('pagination, logs and rejected events', () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
    await t.admin('POST', '/_sandbox/seed', { integration_id: 'paged', logs: 250, rejected: 230 });
  });
  afterAll(() => t.close());

  it('seeding more log entries at once after the first seed keeps the log in time order (newest first, never older)', async () => {
    await t.admin('POST', '/_sandbox/seed', { integration_id: 'paged-again', logs: 20 });
    await t.admin('POST', '/_sandbox/seed', { integration_id: 'paged-again', logs: 4 }); // well within 20 s of the first
    const logs = (await t.api('GET', `${EVENTSTREAM}/paged-again/logs?count=200`)).body.logs as { created_at: string }[];
    expect(logs).toHaveLength(24);
    const times = logs.map((l) => Date.parse(l.created_at));
    for (let i = 1; i < times.length; i++) expect(times[i - 1]!).toBeGreaterThan(times[i]!);
    await t.api('DELETE', `${EVENTSTREAM}/paged-again`);
  });

  it('defaults to offset 0 and count 50, with the envelope', async () => {
    const res = await t.api('GET', `${EVENTSTREAM}/paged/logs`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([ENVELOPE.logs, ENVELOPE.pagination]);
    expect(res.body.logs).toHaveLength(50);
    expect(res.body.pagination_info).toEqual({ offset: 0, count: 50, total: 250 });
    for (const entry of res.body.logs) LogEntry.parse(entry);
  });

  it('logs are newest first; rejected events oldest first', async () => {
    const logs = (await t.api('GET', `${EVENTSTREAM}/paged/logs?count=200`)).body.logs as { created_at: string; id: string }[];
    const times = logs.map((l) => Date.parse(l.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const rejected = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=200`)).body.rejected_events as { rejected_at: string }[];
    const rt = rejected.map((r) => Date.parse(r.rejected_at));
    expect([...rt].sort((a, b) => a - b)).toEqual(rt);
    for (const r of rejected) RejectedEvent.parse(r);
  });

  it('pages through without gaps or overlaps, and the last page is short', async () => {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?offset=${offset}&count=200`)).body;
      expect(page.pagination_info).toEqual({ offset, count: 200, total: 230 });
      ids.push(...page.rejected_events.map((r: { id: string }) => r.id));
      if (page.rejected_events.length < 200) break;
    }
    expect(ids).toHaveLength(230);
    expect(new Set(ids).size).toBe(230);
    const beyond = (await t.api('GET', `${EVENTSTREAM}/paged/logs?offset=1000`)).body;
    expect(beyond.logs).toEqual([]);
    expect(beyond.pagination_info.total).toBe(250);
  });

  it('answers 400 for count above 200 and for bad offsets', async () => {
    for (const q of ['count=201', 'count=-1', 'count=abc', 'offset=-5', 'offset=1.5', 'offset=']) {
      const res = await t.api('GET', `${EVENTSTREAM}/paged/logs?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=200`)).status).toBe(200);
  });

  it('retry: delivered removes the event; rejected again keeps it with attempts + 1 and the same rejected_at', async () => {
    const first = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=2`)).body.rejected_events as { id: string; rejected_at: string; attempts: number }[];
    const [a, b] = first as [{ id: string; rejected_at: string; attempts: number }, { id: string; rejected_at: string; attempts: number }];
    t.sb.receiver!.setRule('reject-unknown-products');
    const again = await t.api('POST', `${EVENTSTREAM}/paged/rejected_events/${a.id}/_retry`);
    expect(again.status).toBe(200);
    const result = RetryResult.parse(again.body);
    expect(result).toMatchObject({ id: a.id, delivered: false, response: { status_code: 400 } });
    expect((result.response!.body as { error: string }).error).toBe('unknown_product');
    const after = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=1`)).body.rejected_events[0];
    expect(after).toMatchObject({ id: a.id, attempts: a.attempts + 1, rejected_at: a.rejected_at });
    t.sb.receiver!.setRule('accept-all');
    const ok = await t.api('POST', `${EVENTSTREAM}/paged/rejected_events/${a.id}/_retry`);
    expect(ok.body).toEqual({ id: a.id, delivered: true });
    const page = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=1`)).body;
    expect(page.rejected_events[0].id).toBe(b.id);
    expect(page.pagination_info.total).toBe(229);
    expect((await t.api('POST', `${EVENTSTREAM}/paged/rejected_events/${a.id}/_retry`)).status).toBe(404);
    // The receiver saw the event exactly as stored, with the integration's api_key.
    const seen = t.sb.receiver!.log.filter((d) => d.event_id === a.id);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.authorization).toBe('Bearer seed-key');
  });

  it('delete of a rejected event answers 204', async () => {
    const first = (await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=1`)).body.rejected_events[0];
    const del = await t.api('DELETE', `${EVENTSTREAM}/paged/rejected_events/${first.id}`);
    expect(del.status).toBe(204);
    expect((await t.api('GET', `${EVENTSTREAM}/paged/rejected_events?count=1`)).body.pagination_info.total).toBe(228);
    expect((await t.api('DELETE', `${EVENTSTREAM}/paged/rejected_events/${first.id}`)).status).toBe(404);
  });
});

describe('published events', () => {
  it('lists delivery attempts, filtered by integration, status and event name', async () => {
    const t = await startTestSandbox();
    try {
      await t.api('POST', EVENTSTREAM, webhook('pub', `${t.sb.receiverUrl}/pub`));
      t.sb.receiver!.setRule('reject-events:order.cancelled');
      await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'order.cancelled' }] });
      await waitFor(() => t.sb.receiver!.log.length >= 2, 5000, 'two deliveries');
      const all = await t.api('GET', '/api/v1/org/integrations/published-events?integration_id=pub');
      expect(all.status).toBe(200);
      expect(Array.isArray(all.body)).toBe(true);
      expect(all.body).toHaveLength(2);
      const failures = (await t.api('GET', '/api/v1/org/integrations/published-events?status=failure')).body;
      expect(failures).toHaveLength(1);
      // [doc] upper case in answers although the filter is sent lower case
      // the documented shape exactly (reference/samples/published-events.json): these keys, no others
      expect(Object.keys(failures[0]).sort()).toEqual(Object.keys(PUBLISHED_SAMPLE[1]!).sort());
      expect(failures[0]).toMatchObject({
        integration_id: 'pub',
        integration_type: 'permanent',
        target: 'webhook',
        event_name: 'order.cancelled',
        status: 'FAILURE',
        retries_remaining: 9,
        domain_entity_type: 'order',
        response: { status_code: 400, body: { error: 'rejected' } },
      });
      expect(failures[0].response_time_ms).toEqual(expect.any(Number));
      expect(failures[0].entity_id).toMatch(/^evt-/);
      expect(Object.keys(all.body.find((p: { status: string }) => p.status === 'SUCCESS')).sort()).toEqual(Object.keys(PUBLISHED_SAMPLE[0]!).sort());
      expect(all.body.map((p: { status: string }) => p.status).sort()).toEqual(['FAILURE', 'SUCCESS']);
      expect((await t.api('GET', '/api/v1/org/integrations/published-events?event_name=order.created')).body).toHaveLength(1);
      expect((await t.api('GET', '/api/v1/org/integrations/published-events?from=2999-01-01T00:00:00Z')).body).toHaveLength(0);
      expect((await t.api('GET', '/api/v1/org/integrations/published-events?status=meh')).status).toBe(400);
    } finally {
      await t.close();
    }
  });

  it('records every attempt of the delivery engine, retries included: 10 failures, 9 to 0 retries left, each with the answer', async () => {
    const t = await startTestSandbox();
    try {
      t.sb.receiver!.setRule('fail-all');
      await t.api('POST', EVENTSTREAM, webhook('flaky', `${t.sb.receiverUrl}/flaky`));
      await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }] });
      await waitFor(async () => (await t.api('GET', `${EVENTSTREAM}/flaky`)).body.status === 'stopped', 10_000, 'the stop after 10 attempts');
      const list = (await t.api('GET', '/api/v1/org/integrations/published-events?integration_id=flaky')).body;
      expect(list.map((p: { retries_remaining: number }) => p.retries_remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(new Set(list.map((p: { entity_id: string }) => p.entity_id)).size).toBe(1);
      for (const p of list) expect(p).toMatchObject({ status: 'FAILURE', response: { status_code: 503 } });
      const times = list.map((p: { attempted_at: string }) => Date.parse(p.attempted_at));
      expect(times).toEqual([...times].sort((a, b) => a - b)); // oldest first, as the documented sample
      // a retry of a rejected event is an attempt too
      t.sb.receiver!.setRule('reject-events:order.opened');
      await t.api('POST', `${EVENTSTREAM}/flaky/_start`);
      await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.opened' }] });
      await waitFor(async () => (await t.api('GET', `${EVENTSTREAM}/flaky/rejected_events`)).body.rejected_events.length === 1, 10_000, 'a rejected event');
      const rejected = (await t.api('GET', `${EVENTSTREAM}/flaky/rejected_events`)).body.rejected_events[0];
      const before = (await t.api('GET', '/api/v1/org/integrations/published-events?integration_id=flaky&event_name=order.opened')).body.length;
      await t.api('POST', `${EVENTSTREAM}/flaky/rejected_events/${rejected.id}/_retry`);
      const after = (await t.api('GET', '/api/v1/org/integrations/published-events?integration_id=flaky&event_name=order.opened')).body;
      expect(after).toHaveLength(before + 1);
      expect(after[after.length - 1]).toMatchObject({ status: 'FAILURE', retries_remaining: 0, response: { status_code: 400 } });
    } finally {
      await t.close();
    }
  });

  it(`answers at most ${LIMITS.publishedEventsAnswerCap} attempts (the oldest of the window), in [from, to] with both ends included`, async () => {
    const t = await startTestSandbox();
    try {
      await t.admin('POST', '/_sandbox/seed', { integration_id: 'bulk', published: 1500, published_span_ms: 1_500_000 });
      const all = (await t.api('GET', '/api/v1/org/integrations/published-events')).body;
      expect(all).toHaveLength(LIMITS.publishedEventsAnswerCap);
      const stored = t.sb.state.published;
      expect(all[0].attempted_at).toBe(stored[0]!.attempted_at);
      const from = stored[100]!.attempted_at;
      const to = stored[200]!.attempted_at;
      const window = (await t.api('GET', `/api/v1/org/integrations/published-events?from=${from}&to=${to}`)).body;
      expect(window.map((p: { entity_id: string }) => p.entity_id)).toEqual(stored.slice(100, 201).map((p) => p.entity_id));
      expect(window.filter((p: { status: string }) => p.status === 'FAILURE').every((p: any) => p.response.status_code === 503 && typeof p.response.body === 'string')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
