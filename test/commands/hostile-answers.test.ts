// Answers that are not what NewStore documents, served over loopback to the built CLI (issue 17 items
// 9-12, issue 10 §1 "when an answer still cannot be read"): a captive portal's page, unreadable JSON,
// odd token lifetimes, a 1 MiB error detail, statuses nsx does not know.
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../helpers/run-nsx-in-process.js';
import { ExitCode } from '../../src/errors.js';
import { isolatedHome, type IsolatedHome } from '../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

const EVENTSTREAM = '/api/v1/org/integrations/eventstream';
const PORTAL = '<!DOCTYPE html><html><head><title>Welcome to Hotel WiFi</title></head><body>Please accept the terms</body></html>';
const html = (text = PORTAL, status = 200) => new HttpResponse(text, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** What the token endpoint answers; each test sets it. */
let tokenAnswer: () => Response = () => HttpResponse.json({ access_token: 'tok-fine-0123456789', expires_in: 300 });
let server: LoopbackServer;
const homes: IsolatedHome[] = [];

beforeAll(async () => {
  server = await serveHandlers([
    http.post('*/token', () => tokenAnswer()),
    http.get(`*${EVENTSTREAM}`, () =>
      HttpResponse.json({
        integrations: [
          { id: 'erp-ok', status: 'running', callback_parameters: { callback_url: 'https://erp.example.com/in', api_key: 'list-key-5555' } },
          { id: null, status: 'running' },
          { id: 'wms-failed', status: 'failed' },
          { id: 'paused-one', status: 'PAUSED' },
          { id: 'no-status', status: null },
          { id: 42, status: 7 },
        ],
      }),
    ),
    http.get(`*${EVENTSTREAM}/:id`, ({ params }) => {
      const id = String(params.id);
      if (id === 'nullid') {
        return HttpResponse.json({ id: null, status: 'running', callback_parameters: { api_key: 'leaky-key-123456' } }, { headers: { 'x-request-id': 'req-77' } });
      }
      if (id === 'portal-get') return html();
      if (id === 'truncated') return new HttpResponse('{"id": "truncated", "status": "runn', { headers: { 'content-type': 'application/json' } });
      const status = id === 'captive' ? 'stopped' : id === 'wms-failed' ? 'failed' : id === 'shouting' ? 'STOPPED' : 'running';
      return HttpResponse.json({ id, status });
    }),
    http.post(`*${EVENTSTREAM}/:id/_start`, () => html()),
    http.post(`*${EVENTSTREAM}/:id/_stop`, () => html()),
    http.post(`*${EVENTSTREAM}`, () =>
      HttpResponse.json(
        { title: 'Bad Request', status: 400, detail: `huge:${'x'.repeat(1024 * 1024)}`, messages: Array.from({ length: 500 }, (_, i) => `m${i}: ${'y'.repeat(3000)}`), request_id: 'req-big' },
        { status: 400, headers: { 'content-type': 'application/problem+json' } },
      ),
    ),
    http.get(`*${EVENTSTREAM}/:id/logs`, () =>
      HttpResponse.json({ logs: [{ id: 'l1', created_at: '2026-11-30T10:00:00Z', level: 'info', message: 'integration started' }], pagination_info: { offset: 0, count: 1, total: 1 } }),
    ),
    http.get('*/v0/d/import/:id', ({ params }) => HttpResponse.json({ import_id: params.id, state: 'failed', reason: 'bad data' })),
    http.get('*/v0/d/import/:id/errors', ({ params }) => (params.id === 'no-errors-route' ? HttpResponse.json({ title: 'Not Found' }, { status: 404 }) : html())),
    http.get(`*${EVENTSTREAM}/:id/rejected_events`, () => HttpResponse.json({ rejected_events: [], pagination_info: { offset: 0, count: 0, total: 0 } })),
  ]);
});
afterAll(() => server.close());
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
  tokenAnswer = () => HttpResponse.json({ access_token: 'tok-fine-0123456789', expires_in: 300 });
});

function newHome(): IsolatedHome {
  const h = isolatedHome();
  homes.push(h);
  return h;
}
function nsx(args: string[], home: IsolatedHome = newHome()) {
  return runNsxInProcess(args, { env: { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'client-s3cret-000' } });
}
const sent = (method: string, suffix: string) => server.requests.filter((r) => r.method === method && r.path.endsWith(suffix)).length;
const tokenCalls = () => server.requests.filter((r) => r.path === '/token').length;

describe('a 200 that is not the API\'s JSON is an error (17.9)', () => {
  it('a captive portal answering _start: exit 1 naming the route and what came, never "✓ started"', async () => {
    const before = sent('POST', '/captive/_start');
    const r = await nsx(['integrations', 'start', 'captive']);
    expect(r.code).toBe(ExitCode.error);
    expect(sent('POST', '/captive/_start')).toBe(before + 1);
    expect(r.stderr).toContain(`error: POST ${EVENTSTREAM}/captive/_start answered a body nsx cannot read: not JSON (text/html), starting "<!DOCTYPE html><html><head><title>Welcome to Hotel WiFi`);
    expect(r.stderr).toMatch(/captive portal/);
    expect(r.stderr).not.toMatch(/✓|started captive/);
    expect(r.stdout).toBe('');
  });

  it('the same for _stop, and for a get answered by a page or by truncated JSON', async () => {
    const stop = await nsx(['integrations', 'stop', 'erp-ok', '--yes']);
    expect(stop.code).toBe(ExitCode.error);
    expect(stop.stderr).toMatch(/_stop answered a body nsx cannot read: not JSON \(text\/html\)/);
    expect(stop.stderr).not.toMatch(/✓|stopped erp-ok/);

    const page = await nsx(['integrations', 'get', 'portal-get', '--json']);
    expect(page.code).toBe(ExitCode.error);
    expect(page.stdout).toBe('');
    expect(JSON.parse(page.stderr.trim()).error.message).toMatch(/portal-get answered a body nsx cannot read: not JSON \(text\/html\)/);

    const cut = await nsx(['integrations', 'get', 'truncated']);
    expect(cut.code).toBe(ExitCode.error);
    expect(cut.stderr).toContain('answered a body nsx cannot read: invalid or truncated JSON, starting "{"id": "truncated", "status": "runn"');
  });
});

describe('an answer nsx cannot read names where (10 §1)', () => {
  it('a failed job whose item errors cannot be read says so (exit 6 all the same); an absent errors route is quiet', async () => {
    const r = await nsx(['stock', 'status', 'job-1']);
    expect(r.code).toBe(ExitCode.partial);
    expect(r.stderr).toContain('import job-1 failed: bad data');
    expect(r.stderr).toMatch(/^ {2}\(its item errors could not be read: GET \/v0\/d\/import\/job-1\/errors answered a body nsx cannot read: not JSON \(text\/html\)/m);
    const quiet = await nsx(['stock', 'status', 'no-errors-route']);
    expect(quiet.code).toBe(ExitCode.partial);
    expect(quiet.stderr).not.toContain('could not be read');
  });

  it('the route, the JSON path, the expected type, what came and the request_id; --verbose adds the body, secrets redacted', async () => {
    const r = await nsx(['integrations', 'get', 'nullid']);
    expect(r.code).toBe(ExitCode.error);
    expect(r.stderr.split('\n')[0]).toBe(`error: GET ${EVENTSTREAM}/nullid answered a body nsx cannot read: id: expected a string, got null (request_id req-77)`);
    expect(r.stderr).not.toMatch(/Invalid input|leaky-key|"status"/);

    const json = await nsx(['integrations', 'get', 'nullid', '--json']);
    expect(JSON.parse(json.stderr.trim()).error).toMatchObject({ exit_code: 1, request_id: 'req-77', message: expect.stringContaining('id: expected a string, got null') });

    const v = await nsx(['integrations', 'get', 'nullid', '--verbose']);
    expect(v.code).toBe(ExitCode.error);
    expect(v.stderr).toContain("the answer's body:");
    expect(v.stderr).toMatch(/"api_key": "\*\*\*"/);
    expect(v.stderr).not.toContain('leaky-key-123456');
  });
});

describe('token lifetimes and bad token answers (17.10)', () => {
  it('expires_in 0 or negative: one token for the whole run and the next one, not one per call', async () => {
    for (const expires of [0, -5]) {
      tokenAnswer = () => HttpResponse.json({ access_token: `tok-zero-${expires}-abcdefgh`, expires_in: expires });
      const home = newHome();
      const before = tokenCalls();
      const recover = await nsx(['recover', 'erp-ok', '--dry-run'], home); // several calls in one run
      expect(recover.code, recover.stderr).toBe(0);
      const get = await nsx(['integrations', 'get', 'erp-ok'], home); // and the next run
      expect(get.code, get.stderr).toBe(0);
      expect(tokenCalls() - before).toBe(1);
    }
  });

  it('expires_in "300" as a string is a lifetime, not a failure', async () => {
    tokenAnswer = () => HttpResponse.json({ access_token: 'tok-string-lifetime-1', expires_in: '300', token_type: 'Bearer' });
    const r = await nsx(['integrations', 'get', 'erp-ok']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse((await nsx(['integrations', 'get', 'erp-ok', '--json'])).stdout)).toMatchObject({ id: 'erp-ok' });
  });

  it('an HTML page or truncated JSON from the token endpoint is a server failure (exit 1), not exit 4', async () => {
    tokenAnswer = () => html();
    const page = await nsx(['integrations', 'list']);
    expect(page.code).toBe(ExitCode.error);
    expect(page.stderr).toMatch(/token endpoint 127\.0\.0\.1:\d+ .*answered 200 with a body that is not JSON \(text\/html\), starting "<!DOCTYPE html>/);

    tokenAnswer = () => new HttpResponse('{"access_token": "tok-cut', { headers: { 'content-type': 'application/json' } });
    const cut = await nsx(['integrations', 'list']);
    expect(cut.code).toBe(ExitCode.error);
    expect(cut.stderr).toMatch(/answered 200 with a body that is not JSON/);
    expect(cut.stderr).not.toContain('tok-cut');

    tokenAnswer = () => html('<html>gateway down</html>', 502);
    const down = await nsx(['integrations', 'list']);
    expect(down.code).toBe(ExitCode.error);
    expect(down.stderr).toMatch(/answered 502/);
  });

  it('a JSON answer without a usable access_token says what was wrong', async () => {
    tokenAnswer = () => HttpResponse.json({ token: 'x', expires_in: 300 });
    const r = await nsx(['integrations', 'list']);
    expect(r.code).toBe(ExitCode.error);
    expect(r.stderr).toMatch(/a body nsx cannot read: access_token must be a string, got nothing \(the field is absent\)/);
    tokenAnswer = () => HttpResponse.json({ access_token: 'tok-ok-but-bad-life', expires_in: 'soon' });
    const life = await nsx(['integrations', 'list']);
    expect(life.code).toBe(ExitCode.error);
    expect(life.stderr).toContain('expires_in: expected a number, got a string "soon"');
    expect(life.stderr).not.toContain('tok-ok-but-bad-life');
  });

  it('refused credentials stay exit 4', async () => {
    tokenAnswer = () => HttpResponse.json({ error: 'unauthorized_client', error_description: 'Invalid client secret' }, { status: 401 });
    const r = await nsx(['integrations', 'list']);
    expect(r.code).toBe(ExitCode.auth);
  });
});

describe('huge error bodies (17.11)', () => {
  const args = ['integrations', 'register', 'big', '--callback-url', 'https://erp.example.com/in'];
  it('a 1 MiB problem detail is cut to a readable line that says how much was cut, in human and json modes', async () => {
    const human = await nsx(args);
    expect(human.code).toBe(ExitCode.usage);
    expect(human.stderr.length).toBeLessThan(80_000);
    const cut = (5 + 1024 * 1024 - 1000).toLocaleString('en-US');
    expect(human.stderr).toMatch(new RegExp(`huge:x{995}… \\(${cut} more characters cut; --verbose shows up to 64 KiB\\)`));
    expect(human.stderr).toContain('... and 480 more messages');
    expect(human.stderr).toContain('request_id req-big');

    const json = await nsx([...args, '--json']);
    expect(json.code).toBe(ExitCode.usage);
    expect(json.stderr.length).toBeLessThan(150_000);
    const error = JSON.parse(json.stderr.trim().split('\n').pop()!).error;
    expect(error.detail.length).toBeLessThan(1200);
    expect(error.messages).toHaveLength(21);
  });

  it('--verbose shows more of it, still capped', async () => {
    const r = await nsx([...args, '--verbose']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr.length).toBeGreaterThan(64 * 1024);
    expect(r.stderr.length).toBeLessThan(300_000);
    expect(r.stderr).toMatch(/more characters cut\)/);
  });
});

describe('statuses nsx does not know (17.12)', () => {
  it('integrations list shows every readable entry with its status as sent, and names the odd entry on stderr', async () => {
    const r = await nsx(['integrations', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 2));
    expect(rows).toEqual([
      ['erp-ok', 'running'],
      ['wms-failed', 'failed'],
      ['paused-one', 'PAUSED'],
      ['no-status', '-'],
      ['42', '7'],
    ]);
    expect(r.stderr).toBe('warning: skipped an entry nsx cannot read: integrations[1].id: expected a string, got null\n');

    const json = await nsx(['integrations', 'list', '--json']);
    expect(JSON.parse(json.stdout).map((i: { status: unknown }) => i.status)).toEqual(['running', 'failed', 'PAUSED', null, 7]);
    const stopped = await nsx(['integrations', 'list', '--status', 'running']);
    expect(stopped.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(['erp-ok']);
  });

  it('register counts an unreadable entry toward the 25-integration limit (nothing is sent)', async () => {
    const full = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-full-0123456789', expires_in: 300 })),
      http.get(`*${EVENTSTREAM}`, () => HttpResponse.json({ integrations: [...Array.from({ length: 24 }, (_, i) => ({ id: `i-${i}`, status: 'stopped' })), { id: null }] })),
    ]);
    try {
      const home = newHome();
      const r = await runNsxInProcess(['integrations', 'register', 'one-more', '--callback-url', 'https://erp.example.com/in'], {
        env: { ...home.env, NSX_BASE_URL: full.url, NSX_TOKEN_URL: `${full.url}/token`, NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'client-s3cret-000' },
      });
      expect(r.code).toBe(ExitCode.precondition);
      expect(r.stderr).toMatch(/25/);
      expect(full.requests.filter((q) => q.method === 'POST' && q.path.startsWith(EVENTSTREAM))).toHaveLength(0);
    } finally {
      await full.close();
    }
  });

  it('recover names a "failed" integration as it is, never "stopped by a user"', async () => {
    const r = await nsx(['recover', 'wms-failed', '--dry-run']);
    expect(r.stderr).toContain('wms-failed has status "failed", which nsx does not know (it knows running and stopped)');
    expect(r.stderr).not.toMatch(/by a user/);
  });

  it('a status in upper case is the status: STOPPED is stopped (nothing sent to _stop)', async () => {
    const before = sent('POST', '/shouting/_stop');
    const r = await nsx(['integrations', 'stop', 'shouting', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('shouting is already stopped: nothing to do');
    expect(sent('POST', '/shouting/_stop')).toBe(before);
  });
});
