// Every answer shaped as NewStore documents it (test/fixtures/newstore-samples, copied from
// ../shared/reference/samples) served over a real loopback socket to the built CLI command that meets it:
// no failure, secrets masked, absent fields shown as "-", unknown fields kept in --output json.
// published-events.json is served to nsx events list and stats (the query's window and filters recorded).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../helpers/run-nsx-in-process.js';
import { ExitCode } from '../../src/errors.js';
import { isolatedHome, ROOT, type IsolatedHome } from '../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

const SAMPLES = join(ROOT, 'test', 'fixtures', 'newstore-samples');
const sampleText = (name: string): string => readFileSync(join(SAMPLES, name), 'utf8');
const sample = <T = any>(name: string): T => JSON.parse(sampleText(name)) as T;
/** Serves the sample's bytes as they are (not re-serialised). */
const serve = (name: string, status = 200, type = 'application/json') => new HttpResponse(sampleText(name), { status, headers: { 'content-type': type } });

const EVENTSTREAM = '*/api/v1/org/integrations/eventstream';
const IMPORT = '*/v0/d/import';
const TOKEN = sample('token-keycloak.json').access_token as string;
const SECRETS = ['sample-receiver-key-1f0c', 'sample-receiver-key-77aa', 'sample-secret-access-key-9d2e', TOKEN, 'client-s3cret'];
const MASK = '********';

let server: LoopbackServer;
const publishedQueries: URLSearchParams[] = [];
let home: IsolatedHome;

beforeAll(async () => {
  const list = sample<{ integrations: Array<{ id: string }> }>('integrations-list.json').integrations;
  server = await serveHandlers([
    http.post('*/token', () => serve('token-keycloak.json')),
    http.get(EVENTSTREAM, () => serve('integrations-list.json')),
    http.post(EVENTSTREAM, () => serve('problem.json', 400, 'application/problem+json')),
    http.get(`${EVENTSTREAM}/:id`, ({ params }) => {
      if (params.id === 'boom') return serve('message-error.json', 500);
      const found = list.find((i) => i.id === params.id);
      return found ? HttpResponse.json(found) : HttpResponse.json({ title: 'Not Found', status: 404 }, { status: 404 });
    }),
    http.get(`${IMPORT}/:id`, ({ params }) => {
      const job = sample('import-job.json');
      if (params.id === 'failed-job') return HttpResponse.json({ ...job, import_id: 'failed-job', state: 'failed', reason: '2 items could not be applied' });
      if (params.id === 'FAILED-upper') return HttpResponse.json({ ...job, import_id: 'FAILED-upper', state: 'FAILED', reason: 'shouted' });
      return serve('import-job.json');
    }),
    http.get(`${IMPORT}/:id/errors`, () => serve('import-errors.json')),
    // The two lists NewStore does not document (nsx's assumed envelope), empty: nsx status reads them per integration.
    http.get(`${EVENTSTREAM}/:id/rejected_events`, () => HttpResponse.json({ rejected_events: [], pagination_info: { offset: 0, count: 1, total: 0 } })),
    http.get(`${EVENTSTREAM}/:id/logs`, () => HttpResponse.json({ logs: [], pagination_info: { offset: 0, count: 20, total: 0 } })),
    http.get('*/api/v1/org/integrations/published-events', ({ request }) => {
      publishedQueries.push(new URL(request.url).searchParams);
      return serve('published-events.json');
    }),
  ]);
});
afterAll(() => server.close());
afterEach(() => home?.cleanup());

function nsx(args: string[]) {
  home = isolatedHome();
  return runNsxInProcess(args, {
    env: { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'client-s3cret' },
  });
}
function expectNoSecrets(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}
/** The sample integration as nsx must show it in json: every field kept, the two secrets masked. */
function masked(i: any): any {
  const copy = structuredClone(i);
  if (copy.callback_parameters?.api_key) copy.callback_parameters.api_key = MASK;
  if (copy.s3_parameters?.aws_secret_access_key) copy.s3_parameters.aws_secret_access_key = MASK;
  return copy;
}
const rows = (tsv: string) => tsv.split('\n').filter(Boolean).map((l) => l.split('\t'));

describe('integrations-list.json (GET eventstream)', () => {
  it('integrations list reads it: tsv rows with "-" for what the answer does not carry, no secret anywhere', async () => {
    const r = await nsx(['integrations', 'list', '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    expect(rows(r.stdout)).toEqual([
      // a webhook shown with only its api_key: no destination to show
      ['erp-netsuite-orders', 'running', 'permanent', '-', '2024-01-17T12:00:00Z', '-'],
      ['warehouse-s3-export', 'stopped', 'temporary', 's3://acme-newstore-events/newstore_exports', '2024-01-17T12:00:00.000Z', '2024-02-21T23:59:00.000Z'],
      ['fulfillment-wms', 'stopped', 'permanent', 'wms.example.com', '2024-03-01T08:30:00Z', '-'],
    ]);
    expect(r.stderr).not.toMatch(/warning|error|Invalid input/);
    expectNoSecrets(r.stdout + r.stderr); // --verbose traces the token call and the list call
    expect(server.requests.filter((q) => q.path === '/token').length).toBeGreaterThan(0);
  });

  it('--output table aligns the same rows; --output json keeps every field as sent, secrets masked', async () => {
    const table = await nsx(['integrations', 'list', '--output', 'table']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+TYPE\s+DESTINATION\s+STARTS_AT\s+ENDS_AT$/m);
    expect(table.stdout).toMatch(/^erp-netsuite-orders\s+running\s+permanent\s+-\s+2024-01-17T12:00:00Z\s+-$/m);
    expect(table.stdout).not.toContain('\t');
    expectNoSecrets(table.stdout + table.stderr);

    const json = await nsx(['integrations', 'list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(sample('integrations-list.json').integrations.map(masked));
    expectNoSecrets(json.stdout + json.stderr);
  });

  it('nsx status reads it: one row per integration, the stopped ones first and needing attention (exit 6), no secret anywhere', async () => {
    const r = await nsx(['status', '--json']);
    expect(r.code, r.stderr).toBe(6);
    expectNoSecrets(r.stdout + r.stderr);
    const got = (JSON.parse(r.stdout) as { id: string; status: string; needs_attention: boolean }[]).map((row) => [row.id, row.status, row.needs_attention]);
    expect(got).toEqual([
      ['fulfillment-wms', 'stopped', true],
      ['warehouse-s3-export', 'stopped', true],
      ['erp-netsuite-orders', 'running', false],
    ]);
  });

  it('integrations get shows one of them in every mode: absent callback_url and ends_at as "-", secrets masked', async () => {
    const human = await nsx(['integrations', 'get', 'erp-netsuite-orders']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^status\s+running$/m);
    expect(human.stdout).toMatch(/^destination\s+-$/m);
    expect(human.stdout).toMatch(/^callback url\s+-$/m);
    expect(human.stdout).toMatch(new RegExp(`^api key\\s+\\*{8}$`, 'm'));
    expect(human.stdout).toMatch(/^ends at\s+-$/m);

    const s3 = await nsx(['integrations', 'get', 'warehouse-s3-export', '--output', 'tsv']);
    expect(s3.code, s3.stderr).toBe(0);
    expect(s3.stdout).toMatch(/^access key id\s+AKIASAMPLEKEYID00000$/m); // not a secret
    expect(s3.stdout).toMatch(/^secret key\s+\*{8}$/m);

    const json = await nsx(['integrations', 'get', 'fulfillment-wms', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(masked(sample('integrations-list.json').integrations[2]));
    expectNoSecrets(human.stdout + human.stderr + s3.stdout + s3.stderr + json.stdout + json.stderr);
  });
});

describe('import-job.json and import-errors.json (stock status)', () => {
  it('stock status reads the job: its state, and in json every field as sent (unknown ones too)', async () => {
    const human = await nsx(['stock', 'status', 'b3f2a4c6-sample-import']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^import_id\s+b3f2a4c6-sample-import$/m);
    expect(human.stdout).toMatch(/^state\s+received$/m);
    const json = await nsx(['stock', 'status', 'b3f2a4c6-sample-import', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ...sample('import-job.json'), errors: [], errors_total: 0 }); // `source` kept
  });

  it('a failed job shows each item error by its reason and entity (exit 6); json keeps the items as sent', async () => {
    const human = await nsx(['stock', 'status', 'failed-job']);
    expect(human.code).toBe(ExitCode.partial);
    expect(human.stderr).toContain('import failed-job failed: 2 items could not be applied');
    expect(human.stderr).toMatch(/^ {2}fulfillment node DC09 is not configured \(availabilities 10000102\)$/m);
    expect(human.stderr).toMatch(/^ {2}quantity must not be negative \(availabilities 10000177\)$/m);
    const json = await nsx(['stock', 'status', 'failed-job', '--json']);
    expect(json.code).toBe(ExitCode.partial);
    const result = JSON.parse(json.stdout);
    expect(result.errors).toEqual(sample('import-errors.json'));
    expect(result.errors_total).toBe(2);
  });

  it('compares the state case-insensitively ("FAILED" is failed)', async () => {
    const r = await nsx(['stock', 'status', 'FAILED-upper']);
    expect(r.code).toBe(ExitCode.partial);
    expect(r.stderr).toMatch(/^ {2}quantity must not be negative/m);
  });
});

describe('problem.json and message-error.json (error answers)', () => {
  it('problem+json: title, detail, error_code, request_id, and each of messages on its own line; json mode carries them', async () => {
    const args = ['integrations', 'register', 'new-one', '--callback-url', 'https://erp.example.com/hook'];
    const human = await nsx(args);
    expect(human.code).toBe(ExitCode.usage); // a 400
    const lines = human.stderr.split('\n');
    const first = lines.findIndex((l) => l.startsWith('error:'));
    expect(lines[first]).toContain('answered 400: Bad Request: The request body is invalid. (error_code invalid_request, request_id 0b7e5c2a-sample-request-id)');
    expect(lines[first + 1]).toBe('  callback_parameters.callback_url: must be an https URL');
    expect(lines[first + 2]).toBe('  filter_conditions.events[2]: unknown event name');

    const json = await nsx([...args, '--json']);
    expect(json.code).toBe(ExitCode.usage);
    const error = JSON.parse(json.stderr.trim().split('\n').pop()!).error;
    expect(error).toMatchObject({
      status: 400,
      title: 'Bad Request',
      detail: 'The request body is invalid.',
      error_code: 'invalid_request',
      request_id: '0b7e5c2a-sample-request-id',
      messages: sample('problem.json').messages,
    });
  });

  it('{message, request_id}: the message and the request id', async () => {
    const r = await nsx(['integrations', 'get', 'boom']);
    expect(r.code).toBe(ExitCode.error);
    expect(r.stderr).toMatch(/^error: GET \/api\/v1\/org\/integrations\/eventstream\/boom answered 500: Internal Server Error \(request_id 7f3a91d0-sample-request-id\)$/m);
  });
});

describe('published-events.json (GET published-events)', () => {
  const WINDOW = ['--since', '2026-11-30T09:00:00Z', '--until', '2026-11-30T10:00:00Z'];
  it('events list reads it: newest first, upper-case statuses, the receiver\'s answer (with or without status_code)', async () => {
    const r = await nsx(['events', 'list', ...WINDOW]);
    expect(r.code, r.stderr).toBe(0);
    expect(rows(r.stdout)).toEqual([
      ['2026-11-30T09:14:10Z', 'fulfillment-wms', 'fulfillment_request.items_completed', 'fulfillment_request fr-88812', 'FAILURE', '31', '0', '{"error":"unknown location DC09"}'],
      ['2026-11-30T09:13:02.007Z', 'erp-netsuite-orders', 'order.opened', 'order ord-100235', 'FAILURE', '1203', '9', '503 upstream ERP unavailable'],
      ['2026-11-30T09:12:44.512Z', 'erp-netsuite-orders', 'order.created', 'order ord-100234', 'SUCCESS', '84', '10', ''],
    ]);
    const q = publishedQueries.at(-1)!;
    expect([q.get('from'), q.get('to')]).toEqual(['2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.001Z']);
    expect(r.stderr).not.toMatch(/warning|error/);
  });

  it('--json keeps every attempt whole, as sent; a filter the server ignored is applied by nsx', async () => {
    const json = await nsx(['events', 'list', ...WINDOW, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([...sample<unknown[]>('published-events.json')].reverse());
    const failures = await nsx(['events', 'list', ...WINDOW, '--status', 'failure', '--integration', 'erp-netsuite-orders', '--output', 'ndjson']);
    expect(failures.stdout.trim().split('\n').map((l) => JSON.parse(l).entity_id)).toEqual(['5c1d2e3f-0000-4000-8000-00000000a002']);
    expect(publishedQueries.at(-1)!.get('status')).toBe('failure');
  });

  it('events stats sums it per integration', async () => {
    const r = await nsx(['events', 'stats', ...WINDOW, '--by', 'integration', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { group: 'erp-netsuite-orders', attempts: 2, success: 1, failure: 1, failure_rate: 0.5, p50_ms: 84, p95_ms: 1203, max_ms: 1203 },
      { group: 'fulfillment-wms', attempts: 1, success: 0, failure: 1, failure_rate: 1, p50_ms: 31, p95_ms: 31, max_ms: 31 },
    ]);
  });
});

describe('the fixtures are the shared samples', () => {
  // The copies under test/fixtures keep the suite inside the repository; where ../shared is beside the
  // checkout (developers, CI), they must still be NewStore's shapes, byte for byte.
  const shared = join(ROOT, '..', 'shared', 'reference', 'samples');
  it.skipIf(!existsSync(shared))('every sample in ../shared/reference/samples has an identical copy here', () => {
    const names = readdirSync(shared).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(sampleText(name), name).toBe(readFileSync(join(shared, name), 'utf8'));
  });
});
