// nsx stock list, run in-process against an in-process sandbox (and the documented list sample over a
// loopback socket), asserting exit codes, stdout, stderr and what the server received. (The table in a real
// terminal: test/e2e/stock-jobs.e2e.test.ts.)
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { isolatedHome, ROOT } from '../../helpers/cli.js';
import { serveHandlers } from '../../helpers/msw-loopback.js';
import { inProcessSandbox, runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { STOCK_CSV, tsvRows, useStockJobsSandbox } from '../../helpers/stock.js';

const stockJobs = useStockJobsSandbox(inProcessSandbox);
const { harness, createJob, received, tmp } = stockJobs;
const rows = tsvRows;

describe('nsx stock list', () => {
  it('lists jobs oldest first as tsv; --state is sent as filter[state]; json prints whole jobs', async () => {
    await harness();
    const a = await createJob('first');
    const b = await createJob('second');
    const finished = JSON.parse((await stockJobs.h.nsx(['stock', 'import', tmp.file('s.csv', STOCK_CSV), '--range', '1-2', '--wait', '--json'])).stdout).import_id as string;

    const all = await stockJobs.h.nsx(['stock', 'list']);
    expect(all.code, all.stderr).toBe(0);
    expect(rows(all.stdout).map((r) => r.slice(0, 4))).toEqual([
      [a, 'received', 'first', 'test'],
      [b, 'received', 'second', 'test'],
      [finished, 'finished', expect.stringMatching(/^nsx-stock-/), 'nsx'],
    ]);
    expect(rows(all.stdout)[0]!.slice(5)).toEqual(['-', '-']); // no completed_at, no reason

    received.length = 0;
    const open = await stockJobs.h.nsx(['stock', 'list', '--state', 'received', '--json']);
    expect(open.code, open.stderr).toBe(0);
    const jobs = JSON.parse(open.stdout) as Array<Record<string, unknown>>;
    expect(jobs.map((j) => j.import_id)).toEqual([a, b]);
    expect(jobs[0]).toMatchObject({ provider: 'test', source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false });
    expect(received.filter((r) => r.startsWith('GET /v0/d/import'))).toEqual(['GET /v0/d/import?filter[state]=received']);

    const none = await stockJobs.h.nsx(['stock', 'list', '--state', 'failed']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
  });

  it('a bad --state is exit 2 and nothing is sent', async () => {
    await harness();
    const r = await stockJobs.h.nsx(['stock', 'list', '--state', 'stuck']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/Allowed choices are received, waiting, processing, finished, failed/);
    expect(received).toEqual([]);
  });
});

describe('nsx stock list reads the documented list answer and its envelopes (loopback)', () => {
  const sample = JSON.parse(readFileSync(`${ROOT}/test/fixtures/newstore-samples/import-list.json`, 'utf8')) as { items: unknown[]; pagination_info: unknown };

  async function listAgainst(body: unknown, args: string[] = []): Promise<{ r: Awaited<ReturnType<typeof runNsxInProcess>>; paths: string[] }> {
    const server = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-abc-123456', expires_in: 300 })),
      http.get('*/v0/d/import', () => HttpResponse.json(body as never)),
    ]);
    const home = isolatedHome();
    try {
      const r = await runNsxInProcess(['stock', 'list', ...args], {
        env: { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_TENANT: 'acme', NSX_CLIENT_ID: 'id', NSX_CLIENT_SECRET: 'secret-xyz' },
      });
      return { r, paths: server.requests.filter((q) => q.method === 'GET').map((q) => decodeURIComponent(q.path)) };
    } finally {
      await server.close();
      home.cleanup();
    }
  }

  it('the sample ({items, pagination_info}): tsv with "-" for absent fields, json keeps every field', async () => {
    const { r, paths } = await listAgainst(sample, ['--state', 'received']);
    expect(r.code, r.stderr).toBe(0);
    expect(paths).toEqual(['/v0/d/import?filter[state]=received']);
    expect(rows(r.stdout)).toEqual([
      ['b3f2a4c6-sample-import', 'received', 'stock_DC01_2026-11-30T09:00:00Z', 'erp-sync', '2026-11-30T09:00:04.118Z', '-', '-'],
      ['c9d0e1f2-sample-import', 'waiting', 'stock_NYC01_2026-11-30T09:05:00Z', 'erp-sync', '2026-11-30T09:05:02.900Z', '-', '-'],
    ]);
    expect(r.stderr).toBe('');
    const json = await listAgainst(sample, ['--json']);
    expect(JSON.parse(json.r.stdout)).toEqual(sample.items);
  });

  it('a bare array and {"imports": [...]} read the same; a partial page says so', async () => {
    for (const body of [sample.items, { imports: sample.items }]) {
      const { r } = await listAgainst(body, ['--output', 'tsv']);
      expect(r.code, r.stderr).toBe(0);
      expect(rows(r.stdout).map((c) => c[0])).toEqual(['b3f2a4c6-sample-import', 'c9d0e1f2-sample-import']);
    }
    const { r } = await listAgainst({ ...sample, pagination_info: { offset: 0, count: 2, total: 7 } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: NewStore answered 2 of 7 jobs \(the first page\)/);
  });
});

