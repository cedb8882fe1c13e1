// The raw requests of nsx api over a real loopback socket: the path checks, retries only for idempotent
// methods, and --paginate over an envelope whose list key nsx is not told.
import { afterEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { Agent } from 'undici';
import { HttpClient } from '../../src/api/http.js';
import { parseRawRequest, RawApi } from '../../src/api/raw.js';
import { ApiError, UnreadableAnswerError, UsageError } from '../../src/errors.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

let server: LoopbackServer | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function raw(url: string): RawApi {
  const dispatcher = new Agent({ keepAliveTimeout: 1000 });
  agents.push(dispatcher);
  return new RawApi(new HttpClient({ baseUrl: url, timeoutMs: 2000, dispatcher, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 }, pagination: { offsetParam: 'offset', countParam: 'count', pageSize: 10 } }));
}

describe('parseRawRequest', () => {
  it('keeps a path under the base (a leading / added) and its query; upper-cases the method', () => {
    expect(parseRawRequest('get', 'v0/d/import?state=failed&count=5')).toEqual({ method: 'GET', path: '/v0/d/import', query: { state: 'failed', count: '5' } });
    expect(parseRawRequest('DELETE', '/a/b%20c/')).toEqual({ method: 'DELETE', path: '/a/b%20c/', query: {} });
  });

  it('refuses what would send the token elsewhere or to another resource', () => {
    for (const path of ['https://evil.example/x', 'HTTP://evil', 'javascript:alert(1)', '//evil.example/x', '/\\evil', '/a/../b', '/a/%2E%2E/b', '/a/./b', '/a/%2fb', '/a//b', '/a b', '/a#frag', '/{id}', '']) {
      expect(() => parseRawRequest('GET', path), path).toThrow(UsageError);
    }
    expect(() => parseRawRequest('TRACE', '/x')).toThrow(UsageError);
  });
});

describe('RawApi', () => {
  it('repeats a GET after a 502 but sends a POST once', async () => {
    let gets = 0;
    server = await serveHandlers([
      http.get('*/thing', () => (++gets < 2 ? new HttpResponse(null, { status: 502 }) : HttpResponse.json({ ok: true }))),
      http.post('*/thing', () => new HttpResponse(null, { status: 502 })),
    ]);
    const api = raw(server.url);
    expect((await api.send(parseRawRequest('GET', '/thing'))).body).toEqual({ ok: true });
    await expect(api.send(parseRawRequest('POST', '/thing'), { body: { a: 1 } })).rejects.toBeInstanceOf(ApiError);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(server.requests.find((r) => r.method === 'POST')!.body).toBe('{"a":1}');
  });

  it('paginates an envelope by its one array (key unknown), with the query kept on every page and count as the page size', async () => {
    const all = Array.from({ length: 23 }, (_, i) => ({ id: `w${i}` }));
    server = await serveHandlers([
      http.get('*/widgets', ({ request }) => {
        const q = new URL(request.url).searchParams;
        const offset = Number(q.get('offset'));
        const count = Number(q.get('count'));
        return HttpResponse.json({ widgets: all.slice(offset, offset + count), pagination_info: { offset, count, total: all.length } });
      }),
      http.get('*/two-lists', () => HttpResponse.json({ a: [1], b: [2], pagination_info: {} })),
    ]);
    const api = raw(server.url);
    const seen: unknown[] = [];
    for await (const w of api.paginate(parseRawRequest('GET', '/widgets?kind=blue&count=5&offset=99'))) seen.push(w);
    expect(seen).toEqual(all);
    expect(server.requests.map((r) => r.path)).toEqual([0, 5, 10, 15, 20].map((o) => `/widgets?kind=blue&offset=${o}&count=5`));

    const two = async () => {
      for await (const _ of api.paginate(parseRawRequest('GET', '/two-lists'))) void _;
    };
    await expect(two()).rejects.toBeInstanceOf(UnreadableAnswerError);
    expect(() => api.paginate(parseRawRequest('POST', '/widgets'))).toThrow(UsageError);
  });
});
