// A profile corrects what nsx assumes about NewStore: `nsx config set routes.<name> "METHOD /path"` and
// `pagination.offset|count|page-size`. Checked at `config set` and when the profile is read (exit 2, one
// line), shown by `config list` and `whoami`, and used for the calls: a loopback server that serves only
// the corrected path proves it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../../helpers/msw-loopback.js';

const BASE = '/api/v1/org/integrations/eventstream';
const LOG_ENTRIES = `${BASE}/{id}/log_entries`;
const entry = (n: number) => ({ id: `log-${n}`, created_at: `2026-11-30T09:00:0${n}Z`, level: 'info', message: `entry ${n}` });

let home: IsolatedHome;
let server: LoopbackServer | undefined;
let env: Record<string, string>;
beforeEach(() => {
  home = isolatedHome();
  env = home.env;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  home.cleanup();
});

const nsx = (args: string[], extra: Record<string, string> = {}) => runNsxInProcess(args, { env: { ...env, ...extra } });
const configText = () => readFileSync(join(env.NSX_CONFIG_DIR!, 'config.json'), 'utf8');

/** A tenant whose log entries live at .../log_entries (not .../logs) and page with skip/limit. */
async function tenantWithOtherRoutes(): Promise<void> {
  const logs = [entry(1), entry(2), entry(3)];
  server = await serveHandlers([
    http.post('*/token', () => HttpResponse.json({ access_token: 'tok-override', expires_in: 300 })),
    http.get(`*${BASE}/:id/log_entries`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      const skip = Number(q.get('skip') ?? 0);
      const limit = Number(q.get('limit') ?? 50);
      return HttpResponse.json({ logs: logs.slice(skip, skip + limit), pagination_info: { offset: skip, count: limit, total: logs.length } });
    }),
    http.all('*', () => HttpResponse.json({ title: 'Not Found', status: 404 }, { status: 404, headers: { 'content-type': 'application/problem+json' } })),
  ]);
  env = { ...env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_CLIENT_ID: 'c', NSX_CLIENT_SECRET: 'secret-value' };
}

describe('an override changes what nsx calls', () => {
  it('calls the corrected route and pagination names, and the default again once unset', async () => {
    await tenantWithOtherRoutes();
    let r = await nsx(['logs', 'list', 'erp', '--json']);
    expect(r.code).toBe(5); // the default .../logs is not served here
    expect(server!.requests.filter((q) => q.method === 'GET').map((q) => q.path)).toEqual([`${BASE}/erp/logs?offset=0&count=200`]);

    for (const [key, value] of [
      ['routes.listLogs', `GET ${LOG_ENTRIES}`],
      ['pagination.offset', 'skip'],
      ['pagination.count', 'limit'],
      ['pagination.page-size', '2'],
    ]) {
      r = await nsx(['config', 'set', key!, value!]);
      expect(r.code, r.stderr).toBe(0);
    }
    server!.requests.length = 0;
    r = await nsx(['logs', 'list', 'erp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual(['log-1', 'log-2', 'log-3']);
    expect(server!.requests.filter((q) => q.method === 'GET').map((q) => q.path)).toEqual([
      `${BASE}/erp/log_entries?skip=0&limit=2`,
      `${BASE}/erp/log_entries?skip=2&limit=2`,
    ]);

    r = await nsx(['config', 'unset', 'routes.listLogs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('default: routes.listLogs unset');
    server!.requests.length = 0;
    r = await nsx(['logs', 'list', 'erp', '--json']);
    expect(r.code).toBe(5);
    expect(server!.requests.filter((q) => q.method === 'GET').map((q) => q.path)).toEqual([`${BASE}/erp/logs?skip=0&limit=2`]);
  });

  it('is stored as typed, method first, and a path alone keeps the default method', async () => {
    let r = await nsx(['config', 'set', 'routes.getImport', '/v1/imports/{import_id}']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('default: routes.getImport = GET /v1/imports/{import_id}');
    r = await nsx(['config', 'set', 'routes.deleteRejectedEvent', 'post /x/{id}/rejected/{event_id}/_delete']);
    expect(r.code, r.stderr).toBe(0);
    r = await nsx(['config', 'get', 'routes.deleteRejectedEvent']);
    expect(r.stdout.trim()).toBe('POST /x/{id}/rejected/{event_id}/_delete');
    expect(JSON.parse(configText())).toEqual({
      profiles: { default: { routes: { getImport: 'GET /v1/imports/{import_id}', deleteRejectedEvent: 'POST /x/{id}/rejected/{event_id}/_delete' } } },
    });
  });
});

describe('config set refuses a bad override (exit 2, one line, nothing stored)', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['routes.listLog', `GET ${LOG_ENTRIES}`, /^error: unknown route "listLog"; routes: listIntegrations, .*listLogs, /],
    ['routes.listLogs', 'FETCH /x/{id}', /^error: routes\.listLogs: method FETCH is not one nsx sends \((?=[^)]*GET)(?=[^)]*DELETE)(?=[^)]*PUT)[A-Z, ]+\)$/],
    ['routes.listLogs', 'DELETE /x/{id}', /^error: routes\.listLogs: a read route stays GET$/],
    ['routes.deleteIntegration', 'GET /x/{id}', /^error: routes\.deleteIntegration: a write route cannot become GET/],
    ['routes.listLogs', 'GET x/{id}/logs', /^error: routes\.listLogs: the path must start with "\/" \(got "x\/\{id\}\/logs"\); expected "METHOD \/path" with \{id\}/],
    ['routes.listLogs', 'GET /x/logs', /^error: routes\.listLogs: the path must hold exactly \{id\} \(each once\); got none$/],
    ['routes.retryRejectedEvent', 'POST /x/{id}/{event}', /^error: routes\.retryRejectedEvent: the path must hold exactly \{id\}, \{event_id\} \(each once\); got \{id\}, \{event\}$/],
    ['routes.listIntegrations', 'GET /x/{id}', /^error: routes\.listIntegrations: the path must hold no \{params\}; got \{id\}$/],
    ['routes.listLogs', 'GET /x/{id}?count=5', /^error: routes\.listLogs: .* may hold only letters, digits, .* \(no query, spaces or quotes\)$/],
    ['routes.listLogs', 'GET /x/../{id}', /^error: routes\.listLogs: the path may not hold "\." or "\.\." segments/],
    ['routes.listLogs', 'GET <path with {id}>', /^error: routes\.listLogs: replace the <path with \{id\}> placeholder with the path this tenant uses/],
    ['pagination.size', '10', /^error: unknown pagination key "size"; keys: pagination\.offset, pagination\.count, pagination\.page-size$/],
    ['pagination.page-size', '5000', /^error: pagination\.page-size: expected a whole number from 1 to 1000 \(got "5000"\)$/],
    ['pagination.count', 'li mit', /^error: pagination\.count: expected a query parameter name/],
    ['pagination.count', 'offset', /^error: profile default: pagination\.offset and pagination\.count are both "offset"; they must differ$/],
    ['route.listLogs', '/x/{id}', /^error: unknown config key "route\.listLogs"; keys: .*routes\.ROUTE, pagination\.offset\|count\|page-size$/],
  ];
  it.each(cases)('%s %s', async (key, value, message) => {
    await nsx(['config', 'set', 'tenant', 'acme']);
    const before = configText();
    const r = await nsx(['config', 'set', key, value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
    expect(r.stdout).toBe('');
    expect(configText()).toBe(before);
  });
});

describe('a bad override in the file is refused when the profile is read', () => {
  it('exits 2 naming profile and key; the printed unset command repairs it', async () => {
    await tenantWithOtherRoutes();
    await nsx(['config', 'set', 'routes.listLogs', `GET ${LOG_ENTRIES}`]);
    const file = join(env.NSX_CONFIG_DIR!, 'config.json');
    const edited = JSON.parse(configText()) as { profiles: { default: { routes: Record<string, string> } } };
    edited.profiles.default.routes.listLogs = 'GET /api/v1/logs'; // hand-edited: {id} lost
    writeFileSync(file, JSON.stringify(edited));
    let r = await nsx(['logs', 'list', 'erp']);
    expect(r.code).toBe(2);
    const [message, hint] = r.stderr.trim().split('\n');
    expect(message).toBe('error: profile default: routes.listLogs: the path must hold exactly {id} (each once); got none');
    expect(hint).toMatch(/or remove it: nsx config unset routes\.listLogs --profile default$/);
    expect(server!.requests).toEqual([]); // nothing was sent

    const unset = hint!.slice(hint!.indexOf('remove it: ') + 'remove it: '.length).split(' ');
    expect(unset[0]).toBe('nsx');
    r = await nsx(unset.slice(1));
    expect(r.code, r.stderr).toBe(0);
    r = await nsx(['logs', 'list', 'erp']);
    expect(r.code).toBe(5); // readable again; the default route is simply not served here
  });
});

describe('the overrides in effect are shown', () => {
  it('by config list (table, tsv, json) and whoami (text, json)', async () => {
    await nsx(['config', 'set', 'tenant', 'acme']);
    await nsx(['config', 'set', 'routes.listLogs', `GET ${LOG_ENTRIES}`]);
    await nsx(['config', 'set', 'pagination.count', 'limit']);
    await nsx(['config', 'set', 'tenant', 'other', '--profile', 'plain']);

    let r = await nsx(['config', 'list', '--output', 'tsv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    expect(rows.map((row) => [row[1], row.at(-1)])).toEqual([
      ['default', `routes.listLogs=GET ${LOG_ENTRIES}; pagination.count=limit`],
      ['plain', ''],
    ]);
    r = await nsx(['config', 'list', '--json']);
    expect((JSON.parse(r.stdout) as Array<{ name: string; overrides: unknown }>).map((p) => [p.name, p.overrides])).toEqual([
      ['default', { 'routes.listLogs': `GET ${LOG_ENTRIES}`, 'pagination.count': 'limit' }],
      ['plain', {}],
    ]);
    r = await nsx(['config', 'list', '--output', 'table']);
    expect(r.stdout).toMatch(/ OVERRIDES\n/);
    expect(r.stdout).toContain('routes.listLogs=GET');

    const token = { NSX_TOKEN: 'ready-token' };
    r = await nsx(['whoami', '--json'], token);
    expect(JSON.parse(r.stdout).overrides).toEqual({ 'routes.listLogs': `GET ${LOG_ENTRIES}`, 'pagination.count': 'limit' });
    r = await nsx(['whoami'], token);
    expect(r.stdout).toContain(`overrides     routes.listLogs = GET ${LOG_ENTRIES}\n              pagination.count = limit`);
    r = await nsx(['whoami', '--json', '--profile', 'plain'], token);
    expect(JSON.parse(r.stdout).overrides).toEqual({});
  });

  it('--sandbox leaves them out: the sandbox serves nsx’s own routes', async () => {
    await nsx(['config', 'set', 'routes.listIntegrations', 'GET /nowhere']);
    const r = await nsx(['--sandbox', 'integrations', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBeGreaterThan(0);
  });
});
