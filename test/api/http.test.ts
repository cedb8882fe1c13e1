// The HTTP layer against msw handlers served over a real loopback socket.
import { afterEach, describe, expect, it } from 'vitest';
import { delay, http, HttpResponse } from 'msw';
import { Agent } from 'undici';
import { HttpClient, parseRetryAfter, retryAfterDelay, type TokenSource } from '../../src/api/http.js';
import { ROUTES } from '../../src/api/routes.js';
import { LogEntry } from '../../src/api/schemas.js';
import { ApiError, AuthError, ExitCode, NetworkError } from '../../src/errors.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

const BASE = '*/api/v1/org/integrations/eventstream';
const PATH = '/api/v1/org/integrations/eventstream';
let server: LoopbackServer | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function client(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  const dispatcher = new Agent({ keepAliveTimeout: 1000 });
  agents.push(dispatcher);
  return new HttpClient({ baseUrl: url, timeoutMs: 2000, dispatcher, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
}

const integration = { id: 'erp', status: 'running', extra_field: 'kept' };

describe('retries', () => {
  it('retries 503 and 429 on any call, then succeeds', async () => {
    let calls = 0;
    server = await serveHandlers([
      http.post(`${BASE}`, () => (++calls < 3 ? new HttpResponse(null, { status: calls === 1 ? 503 : 429 }) : HttpResponse.json(integration, { status: 201 }))),
    ]);
    const result = await client(server.url).request(ROUTES.registerIntegration, { body: { id: 'erp' } });
    expect(result).toEqual(integration);
    expect(server.requests).toHaveLength(3);
  });

  it('does not repeat a non-idempotent call after a 500 or 502 (the server may have processed it)', async () => {
    server = await serveHandlers([http.post(`${BASE}/erp/rejected_events/e1/_retry`, () => new HttpResponse(null, { status: 502 }))]);
    const error = await client(server.url)
      .request(ROUTES.retryRejectedEvent, { params: { id: 'erp', event_id: 'e1' }, body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect(server.requests).toHaveLength(1);
  });

  it('repeats an idempotent GET after 500/502/504 and gives up after the retry budget', async () => {
    const statuses = [500, 502, 504, 504];
    server = await serveHandlers([http.get(`${BASE}/erp`, () => new HttpResponse(null, { status: statuses.shift() ?? 504 }))]);
    const error = await client(server.url).request(ROUTES.getIntegration, { params: { id: 'erp' } }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(504);
    expect(server.requests).toHaveLength(4); // 1 + 3 retries
  });

  it('tells onThrottled of each 429/503; with noThrottleRetry it does not repeat them (the caller paces) and the error carries Retry-After', async () => {
    const seen: Array<[number, number | undefined]> = [];
    let calls = 0;
    server = await serveHandlers([
      http.get(`${BASE}/erp`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 503 }) : calls === 2 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '2' } }) : HttpResponse.json(integration),
      ),
    ]);
    const c = client(server.url);
    const onThrottled = (status: number, ms: number | undefined): void => void seen.push([status, ms]);
    const error = await c.request(ROUTES.getIntegration, { params: { id: 'erp' }, onThrottled, noThrottleRetry: true }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(503); // an idempotent GET: not repeated either
    const again = await c.request(ROUTES.getIntegration, { params: { id: 'erp' }, onThrottled, noThrottleRetry: true }).catch((e: unknown) => e);
    expect((again as ApiError).status).toBe(429);
    expect((again as ApiError).retryAfterMs).toBe(2000);
    expect(server.requests).toHaveLength(2);
    expect(seen).toEqual([
      [503, undefined],
      [429, 2000],
    ]);
  });

  it('honours Retry-After (seconds) before retrying', async () => {
    let calls = 0;
    server = await serveHandlers([
      http.get(`${BASE}/erp`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '0.3' } }) : HttpResponse.json(integration),
      ),
    ]);
    await client(server.url).request(ROUTES.getIntegration, { params: { id: 'erp' } });
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(280); // waited as told, not the 5-20 ms back-off
  });

  it('waits a Retry-After plus up to a quarter more at random, so calls throttled together are not repeated together', async () => {
    const waits = Array.from({ length: 200 }, () => retryAfterDelay(1000, { maxRetryAfterMs: 60_000 }));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000); // never sooner than asked
    expect(Math.max(...waits)).toBeLessThanOrEqual(1250);
    expect(new Set(waits).size).toBeGreaterThan(50); // spread, not one moment
    expect(retryAfterDelay(3_600_000, { maxRetryAfterMs: 50 })).toBe(50); // the cap holds, jitter included

    // Over the wire: ten calls answered 429 with "Retry-After: 0.4" at the same moment are repeated over a
    // spread (0.4-0.5 s later), not at one moment (exact repeats land within a few milliseconds).
    const firstSeen = new Set<string>();
    server = await serveHandlers([
      http.get(`${BASE}/:id`, ({ params }) => {
        const id = String(params.id);
        if (firstSeen.has(id)) return HttpResponse.json({ ...integration, id });
        firstSeen.add(id);
        return new HttpResponse(null, { status: 429, headers: { 'retry-after': '0.4' } });
      }),
    ]);
    const c = client(server.url);
    await Promise.all(Array.from({ length: 10 }, (_, n) => c.request(ROUTES.getIntegration, { params: { id: `e${n}` } })));
    // Per call: its repeat came no sooner than the 0.4 s it was told (under load the ten first sends
    // spread out too, so the check is of each call against its own first send).
    const sends = new Map<string, number[]>();
    for (const r of server.requests) sends.set(r.path, [...(sends.get(r.path) ?? []), r.at]);
    expect([...sends.values()].map((t) => t.length)).toEqual(Array(10).fill(2));
    for (const [path, [first, repeat]] of sends) expect(repeat! - first!, path).toBeGreaterThanOrEqual(395);
    const repeats = [...sends.values()].map((t) => t[1]!);
    expect(Math.max(...repeats) - Math.min(...repeats)).toBeGreaterThan(25);
  });

  it('caps a long Retry-After and reports waits longer than 5 s', async () => {
    const waits: number[] = [];
    let calls = 0;
    server = await serveHandlers([
      http.get(`${BASE}/erp`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '3600' } }) : HttpResponse.json(integration),
      ),
    ]);
    const c = client(server.url, { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 }, events: { longWait: (ms) => waits.push(ms) } });
    await c.request(ROUTES.getIntegration, { params: { id: 'erp' } });
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([]); // capped to 50 ms: nothing worth reporting
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8_000);
  });

  it('retries a GET whose connection was reset, but not a POST _retry', async () => {
    let calls = 0;
    server = await serveHandlers([
      http.get(`${BASE}/erp`, () => (++calls === 1 ? HttpResponse.error() : HttpResponse.json(integration))),
      http.post(`${BASE}/erp/rejected_events/e1/_retry`, () => HttpResponse.error()),
    ]);
    const c = client(server.url);
    expect(await c.request(ROUTES.getIntegration, { params: { id: 'erp' } })).toEqual(integration);
    const error = await c.request(ROUTES.retryRejectedEvent, { params: { id: 'erp', event_id: 'e1' }, body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/reset/);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('retries a refused connection (nothing was sent) and then names the problem', async () => {
    const probe = await serveHandlers([]);
    const url = probe.url;
    await probe.close();
    const error = await client(url).request(ROUTES.registerIntegration, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/connection refused after 4 attempts/);
  });

  it('times out a slow answer with a message that suggests --timeout', async () => {
    server = await serveHandlers([http.get(`${BASE}/erp`, async () => (await delay(1500), HttpResponse.json(integration)))]);
    const c = client(server.url, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    const error = await c.request(ROUTES.getIntegration, { params: { id: 'erp' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/timed out.*--timeout/);
    expect(server.requests).toHaveLength(2);
  });
});

describe('errors', () => {
  it('turns problem+json into an ApiError with title, detail and request_id', async () => {
    server = await serveHandlers([
      http.get(`${BASE}/nope`, () =>
        HttpResponse.json(
          { type: 'about:blank', title: 'Not Found', status: 404, detail: 'integration nope does not exist', request_id: 'req-42' },
          { status: 404, headers: { 'content-type': 'application/problem+json' } },
        ),
      ),
    ]);
    const error = (await client(server.url).request(ROUTES.getIntegration, { params: { id: 'nope' } }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.exitCode).toBe(ExitCode.notFound);
    expect(error.message).toContain('Not Found: integration nope does not exist');
    expect(error.message).toContain('request_id req-42');
  });

  it('understands the older {message, request_id} body', async () => {
    server = await serveHandlers([http.post(`${BASE}`, () => HttpResponse.json({ message: 'id already exists', request_id: 'r1' }, { status: 409 }))]);
    const error = (await client(server.url).request(ROUTES.registerIntegration, { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error.detail).toBe('id already exists');
    expect(error.requestId).toBe('r1');
    expect(error.exitCode).toBe(ExitCode.precondition);
  });

  it('keeps unknown fields and rejects a body without the fields nsx uses', async () => {
    server = await serveHandlers([
      http.get(`${BASE}/erp`, () => HttpResponse.json(integration)),
      http.get(`${BASE}/bad`, () => HttpResponse.json({ status: 'running' })),
    ]);
    const { Integration } = await import('../../src/api/schemas.js');
    const c = client(server.url);
    expect(await c.request(ROUTES.getIntegration, { params: { id: 'erp' }, schema: Integration })).toMatchObject({ extra_field: 'kept' });
    await expect(c.request(ROUTES.getIntegration, { params: { id: 'bad' }, schema: Integration })).rejects.toThrow(/id: /);
  });
});

describe('authentication', () => {
  function tokens(values: string[], refreshable = true): TokenSource & { refreshes: number } {
    let i = 0;
    return {
      refreshes: 0,
      async token() {
        return values[i]!;
      },
      async refresh() {
        if (!refreshable) return undefined;
        this.refreshes++;
        i = Math.min(i + 1, values.length - 1);
        return values[i];
      },
      describe: () => 'profile acme (tenant acme)',
    };
  }

  it('refreshes the token once on 403 and retries', async () => {
    server = await serveHandlers([
      http.get(`${BASE}/erp`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer fresh' ? HttpResponse.json(integration) : new HttpResponse(null, { status: 403 }),
      ),
    ]);
    const auth = tokens(['stale', 'fresh']);
    expect(await client(server.url, { auth }).request(ROUTES.getIntegration, { params: { id: 'erp' } })).toEqual(integration);
    expect(auth.refreshes).toBe(1);
  });

  it('gives up after one refresh with exit 4 naming the profile and tenant', async () => {
    server = await serveHandlers([http.get(`${BASE}/erp`, () => new HttpResponse(null, { status: 401 }))]);
    const auth = tokens(['a', 'b']);
    const error = await client(server.url, { auth }).request(ROUTES.getIntegration, { params: { id: 'erp' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(ExitCode.auth);
    expect((error as Error).message).toContain('profile acme (tenant acme)');
    expect(auth.refreshes).toBe(1);
    expect(server.requests).toHaveLength(2);
  });
});

describe('pagination', () => {
  const entries = Array.from({ length: 450 }, (_, i) => ({ id: `l${i}`, created_at: '2026-11-20T10:00:00Z', level: 'info', message: `m${i}` }));

  it('walks envelope pages until pagination_info.total', async () => {
    server = await serveHandlers([
      http.get(`${BASE}/erp/logs`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const offset = Number(q.get('offset'));
        const count = Number(q.get('count'));
        return HttpResponse.json({ logs: entries.slice(offset, offset + count), pagination_info: { offset, count, total: entries.length } });
      }),
    ]);
    const seen: string[] = [];
    for await (const e of client(server.url).paginate(ROUTES.listLogs, { params: { id: 'erp' }, envelopeKey: 'logs', item: LogEntry })) seen.push(e.id);
    expect(seen).toEqual(entries.map((e) => e.id));
    expect(server.requests.map((r) => r.path)).toEqual([
      `${PATH}/erp/logs?offset=0&count=200`,
      `${PATH}/erp/logs?offset=200&count=200`,
      `${PATH}/erp/logs?offset=400&count=200`,
    ]);
  });

  it('accepts a bare JSON array and stops at a short page', async () => {
    server = await serveHandlers([
      http.get(`${BASE}/erp/logs`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        return HttpResponse.json(entries.slice(Number(q.get('offset')), Number(q.get('offset')) + Number(q.get('count'))));
      }),
    ]);
    let n = 0;
    for await (const _ of client(server.url).paginate(ROUTES.listLogs, { params: { id: 'erp' }, envelopeKey: 'logs', item: LogEntry, pageSize: 100 })) n++;
    expect(n).toBe(450);
    expect(server.requests).toHaveLength(5);
  });

  describe('parallel pages (recover --concurrency)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ id: `l${i}`, created_at: '2026-11-20T10:00:00Z', level: 'info', message: `m${i}` }));
    /** Serves `list` in pages, the earlier pages slower, and records how many requests were in flight at once. */
    function pagedServer(list: () => typeof many, opts: { envelope?: boolean } = {}) {
      const seen = { inFlight: 0, maxInFlight: 0 };
      const handler = http.get(`${BASE}/erp/logs`, async ({ request }) => {
        const q = new URL(request.url).searchParams;
        const offset = Number(q.get('offset'));
        const count = Number(q.get('count'));
        seen.inFlight++;
        seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
        await delay(Math.max(2, 40 - offset / 50)); // later pages answer first
        seen.inFlight--;
        const items = list().slice(offset, offset + count);
        return HttpResponse.json(opts.envelope === false ? items : { logs: items, pagination_info: { offset, count, total: list().length } });
      });
      return { handler, seen };
    }

    it('keeps up to N pages in flight once the total is known, and yields every item once, in order', async () => {
      const { handler, seen } = pagedServer(() => many);
      server = await serveHandlers([handler]);
      const ids: string[] = [];
      for await (const e of client(server.url).paginate(ROUTES.listLogs, { params: { id: 'erp' }, envelopeKey: 'logs', item: LogEntry, parallel: 4 })) ids.push(e.id);
      expect(ids).toEqual(many.map((e) => e.id));
      expect(seen.maxInFlight).toBe(4);
      // 10 pages of 200, none past the total
      expect(server.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('offset')).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i * 200)),
      );
    });

    it('reads one page after another when the answer gives no total (a bare array)', async () => {
      const { handler, seen } = pagedServer(() => many, { envelope: false });
      server = await serveHandlers([handler]);
      let n = 0;
      for await (const _ of client(server.url).paginate(ROUTES.listLogs, { params: { id: 'erp' }, envelopeKey: 'logs', item: LogEntry, parallel: 8 })) n++;
      expect(n).toBe(2000);
      expect(seen.maxInFlight).toBe(1);
      expect(server.requests).toHaveLength(11); // the 11th is the empty page that ends it
    });

    it('stops at a short page when the list shrinks while it is read, without repeating items', async () => {
      let list = many;
      const { handler } = pagedServer(() => list);
      server = await serveHandlers([handler]);
      const ids: string[] = [];
      for await (const e of client(server.url).paginate(ROUTES.listLogs, { params: { id: 'erp' }, envelopeKey: 'logs', item: LogEntry, parallel: 4 })) {
        ids.push(e.id);
        if (ids.length === 1) list = many.slice(0, 500); // most events handled meanwhile
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(many.slice(0, 500).map((e) => e.id));
    });
  });
});

describe('--verbose trace', () => {
  it('prints one line per request and response, never the token', async () => {
    server = await serveHandlers([http.get(`${BASE}/erp`, () => HttpResponse.json(integration))]);
    const lines: string[] = [];
    const auth: TokenSource = { token: async () => 'tok-SECRET-123456', refresh: async () => undefined, describe: () => 'p' };
    await client(server.url, { auth, events: { trace: (l) => lines.push(l) } }).request(ROUTES.getIntegration, { params: { id: 'erp' } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^> GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/org\/integrations\/eventstream\/erp$/);
    expect(lines[1]).toMatch(/^< 200 GET .*erp \d+ms$/);
    expect(lines.join('\n')).not.toContain('SECRET');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok-SECRET-123456');
  });
});
