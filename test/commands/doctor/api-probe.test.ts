// nsx doctor --api: one GET per read route, one line per route. Against the sandbox (nothing fails), and
// against loopback tenants that differ: a route served elsewhere (the printed override, run as printed
// with its path filled in, makes the next probe pass), answers read only leniently, an unreadable answer,
// a forbidden route, a refused token. Never a write.
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runNsxInProcess, inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../../helpers/msw-loopback.js';

interface Row {
  route: string;
  status: string;
  method: string;
  path: string;
  http_status: number | null;
  items: number | null;
  unknown_fields: string[];
  missing_fields: Array<{ field: string; absent_from: number }>;
  detail: string;
  fix: string | null;
}
const ROUTE_ORDER = ['listIntegrations', 'getIntegration', 'listLogs', 'listRejectedEvents', 'listPublishedEvents', 'listImports'];
const rowsOf = (stdout: string) => JSON.parse(stdout) as Row[];
const byRoute = (stdout: string) => Object.fromEntries(rowsOf(stdout).map((r) => [r.route, r]));
// Answers in the documented shapes (../shared/reference/samples/published-events.json, import-list.json).
const PUBLISHED = [
  { integration_id: 'erp', integration_type: 'permanent', target: 'webhook', status: 'SUCCESS', attempted_at: '2026-11-30T09:12:44.512Z', retries_remaining: 10, entity_id: 'e1', domain_entity_id: 'ord-1', domain_entity_type: 'order', event_name: 'order.created', response_time_ms: 84 },
  { integration_id: 'erp', integration_type: 'permanent', target: 'webhook', status: 'FAILURE', attempted_at: '2026-11-30T09:14:10Z', retries_remaining: 0, entity_id: 'e2', domain_entity_id: 'ord-2', domain_entity_type: 'order', event_name: 'order.opened', response_time_ms: 31, response: { body: 'no' } },
];
const IMPORTS = {
  items: [{ import_id: 'b3f2', entities: ['availabilities'], provider: 'erp-sync', name: 'stock_DC01', received_at: '2026-11-30T09:00:04.118Z', completed_at: null, state: 'received', reason: null, full: false }],
  pagination_info: { offset: 0, count: 1, total: 1 },
};

/** Splits a printed command line the way a shell would for what nsx prints: words, "double-quoted" words. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('doctor --api against the sandbox', () => {
  let h: InProcessSandboxHarness;
  beforeAll(async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
  });
  afterAll(() => h.close());

  it('reads every read route once, none fails (exit 0)', async () => {
    const r = await h.nsx(['doctor', '--api', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.route)).toEqual(ROUTE_ORDER);
    for (const row of rows) expect(['ok', 'lenient'], `${row.route}: ${row.detail}`).toContain(row.status);
    const named = byRoute(r.stdout);
    expect(named.getIntegration!.path).toBe('/api/v1/org/integrations/eventstream/erp-orders'); // the first listed
    expect(named.listLogs).toMatchObject({ status: 'ok', path: '/api/v1/org/integrations/eventstream/erp-orders/logs?offset=0&count=10', items: 10 });
    expect(named.listRejectedEvents).toMatchObject({ status: 'ok', items: 10 });
    expect(named.listImports).toMatchObject({ status: 'ok', path: '/v0/d/import?offset=0&count=10' });
    expect(named.listPublishedEvents!.path).toMatch(/^\/api\/v1\/org\/integrations\/published-events\?from=.*&to=/);
    expect(rows.every((row) => row.fix === null)).toBe(true);
    expect(r.stderr).toContain('6 routes probed: none failed');
  });

  it('probes the integration given with --integration', async () => {
    const r = await h.nsx(['doctor', '--api', '--integration', 'wms-fulfillment', '--output', 'tsv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[1])).toEqual(ROUTE_ORDER);
    expect(lines[2]![2]).toBe('GET /api/v1/org/integrations/eventstream/wms-fulfillment/logs?offset=0&count=10');
  });

  it('refuses --integration without --api (exit 2)', async () => {
    const r = await h.nsx(['doctor', '--integration', 'erp-orders']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: --integration goes with --api (nsx doctor --api --integration ID)');
    expect(r.stdout).toBe('');
  });
});

describe('doctor --api against tenants that differ', () => {
  let home: IsolatedHome;
  let server: LoopbackServer | undefined;
  let env: Record<string, string>;
  beforeEach(() => {
    home = isolatedHome();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    home.cleanup();
  });
  const nsx = (args: string[]) => runNsxInProcess(args, { env });
  const notFound = () => HttpResponse.json({ title: 'Not Found', status: 404, request_id: 'req-404' }, { status: 404, headers: { 'content-type': 'application/problem+json' } });
  const LOG = { id: 'l1', created_at: '2026-11-30T09:00:00Z', level: 'info', message: 'delivered' };
  const REJECTED = { id: 'r1', rejected_at: '2026-11-30T09:00:00Z', attempts: 1, event: { name: 'order.created', payload: { id: 'o1' } }, response: { status_code: 400 } };

  async function tenant(overrides: { rejected?: unknown; imports?: () => Response; token?: () => Response } = {}): Promise<void> {
    server = await serveHandlers([
      http.post('*/token', overrides.token ?? (() => HttpResponse.json({ access_token: 'tok-probe', expires_in: 300 }))),
      http.get('*/api/v1/org/integrations/eventstream', () =>
        HttpResponse.json({ integrations: [{ id: 'erp', status: 'running', integration_type: 'permanent', created_by: 'ops' }, { id: 's3', status: 'stopped' }] }),
      ),
      http.get('*/api/v1/org/integrations/eventstream/:id', ({ params }) =>
        params.id === 'erp' || params.id === 's3' ? HttpResponse.json({ id: params.id, status: 'running', integration_type: 'permanent' }) : notFound(),
      ),
      // This tenant keeps its log entries at .../log_entries, not at the assumed .../logs.
      http.get('*/api/v1/org/integrations/eventstream/:id/log_entries', () => HttpResponse.json({ logs: [LOG], pagination_info: { offset: 0, count: 10, total: 1 } })),
      http.get('*/api/v1/org/integrations/eventstream/:id/rejected_events', () =>
        HttpResponse.json({ rejected_events: [overrides.rejected ?? REJECTED], pagination_info: { offset: 0, count: 10, total: 1 } }),
      ),
      http.get('*/api/v1/org/integrations/published-events', () => HttpResponse.json(PUBLISHED)),
      http.get('*/v0/d/import', overrides.imports ?? (() => HttpResponse.json(IMPORTS))),
      http.all('*', notFound),
    ]);
    env = { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_CLIENT_ID: 'probe-client', NSX_CLIENT_SECRET: 'probe-secret-value' };
  }
  const writes = () => server!.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/token'));

  it('names the route the tenant does not serve, and the printed override, once set, makes the next probe pass', async () => {
    await tenant();
    let r = await nsx(['doctor', '--api', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 of 6 routes failed: listLogs \(not-found\)/);
    let named = byRoute(r.stdout);
    expect(named.listLogs).toMatchObject({ status: 'not-found', http_status: 404, path: '/api/v1/org/integrations/eventstream/erp/logs?offset=0&count=10' });
    const fix = named.listLogs!.fix!;
    expect(fix).toBe('nsx config set routes.listLogs "GET <path with {id}>" --profile default');
    expect(named.listLogs!.detail).toContain(`the route probably differs on this tenant; set it with: ${fix}`);
    expect(named.listLogs!.detail).toContain('request_id req-404');
    // The other routes read as they should; the list carries a field nsx does not know and lacks one.
    expect(named.listIntegrations).toMatchObject({ status: 'lenient', items: 2, unknown_fields: ['created_by'], missing_fields: [{ field: 'integration_type', absent_from: 1 }] });
    expect(named.listIntegrations!.detail).toMatch(/^answered 200 in \d+ms, 2 items: readable only leniently; fields nsx does not know: created_by; missing: integration_type \(in 1 of 2\)$/);
    expect(named.listPublishedEvents).toMatchObject({ status: 'ok', items: 2 });
    expect(named.listImports).toMatchObject({ status: 'ok', items: 1 });
    expect(named.getIntegration!.status).toBe('ok');
    expect(named.listRejectedEvents!.status).toBe('ok');

    // The table says the same, with the command on the listLogs line.
    r = await nsx(['doctor', '--api', '--output', 'table']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^not-found\s+listLogs\s+GET \/api\/v1\/org\/integrations\/eventstream\/erp\/logs\?offset=0&count=10\s+answered 404: Not Found \(request_id req-404\): the route probably differs/m);
    expect(r.stderr).toContain(`to correct listLogs, fill in the path and run: ${fix}\n`);

    // Run the printed command as printed, with the placeholder filled in.
    const words = shellWords(fix.replace('<path with {id}>', '/api/v1/org/integrations/eventstream/{id}/log_entries'));
    expect(words[0]).toBe('nsx');
    r = await nsx(words.slice(1));
    expect(r.code, r.stderr).toBe(0);

    server!.requests.length = 0;
    r = await nsx(['doctor', '--api', '--json']);
    expect(r.code, r.stderr).toBe(0);
    named = byRoute(r.stdout);
    expect(named.listLogs).toMatchObject({ status: 'ok', items: 1, path: '/api/v1/org/integrations/eventstream/erp/log_entries?offset=0&count=10', fix: null });
    expect(server!.requests.map((q) => `${q.method} ${q.path.split('?')[0]}`)).toContain('GET /api/v1/org/integrations/eventstream/erp/log_entries');
    expect(writes()).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain('probe-secret-value');
    // The setup checks say that the profile corrects a route.
    r = await nsx(['doctor', '--json']);
    expect((JSON.parse(r.stdout) as Array<{ check: string; detail: string }>).find((c) => c.check === 'profile')!.detail).toMatch(/, overrides: routes\.listLogs \(nsx config list\)$/);
  });

  it('says which answer it cannot read and which route refuses the token (exit 1)', async () => {
    await tenant({
      rejected: { ...REJECTED, id: null },
      imports: () => HttpResponse.json({ title: 'Forbidden', status: 403 }, { status: 403, headers: { 'content-type': 'application/problem+json' } }),
    });
    const r = await nsx(['doctor', '--api', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3 of 6 routes failed: listLogs \(not-found\), listRejectedEvents \(unreadable\), listImports \(auth\)/);
    const named = byRoute(r.stdout);
    expect(named.listRejectedEvents).toMatchObject({ status: 'unreadable', http_status: 200 });
    expect(named.listRejectedEvents!.detail).toMatch(/^answered 200 in \d+ms, 1 item, but nsx cannot read it: rejected_events\[0\]\.id: /);
    expect(named.listImports).toMatchObject({ status: 'auth', http_status: 403, fix: null });
    expect(named.listImports!.detail).toBe("answered 403: Forbidden: the token is refused for this route (check the API client's roles in NewStore)");
    expect(writes()).toEqual([]);
  });

  it('a 404 about an integration the list does not hold points at the id as well as the route', async () => {
    await tenant();
    const r = await nsx(['doctor', '--api', '--integration', 'ghost', '--json']);
    expect(r.code).toBe(1);
    const named = byRoute(r.stdout);
    expect(named.getIntegration!.status).toBe('not-found');
    expect(named.getIntegration!.detail).toContain('integration "ghost" is not among the 2 listed: check --integration; or the route probably differs on this tenant; set it with: nsx config set routes.getIntegration "GET <path with {id}>" --profile default');
  });

  it('refuses a bad --integration before sending anything (exit 2)', async () => {
    await tenant();
    const r = await nsx(['doctor', '--api', '--integration', 'bad id']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: --integration "bad id" is not valid: letters, digits, ".", "_" and "-", starting with a letter or digit');
    expect(server!.requests).toEqual([]);
  });

  it('reports every route as an auth problem when no token can be had, and calls none', async () => {
    await tenant({ token: () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }) });
    const r = await nsx(['doctor', '--api', '--json']);
    expect(r.code).toBe(1);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.status)).toEqual(ROUTE_ORDER.map(() => 'auth'));
    expect(rows[0]!.detail).toMatch(/^no token, not called: /);
    expect(server!.requests.every((q) => q.path.endsWith('/token'))).toBe(true);
    expect(r.stderr).toMatch(/6 of 6 routes failed/);
  });
});
