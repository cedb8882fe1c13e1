// nsx stock import and status, run in-process against an in-process sandbox (its import API, blob store
// and stock model), asserting exit codes, stdout, stderr and what the sandbox holds afterwards.
// (Ctrl-C of a spawned nsx while it waits: test/e2e/stock.e2e.test.ts.)
import { zipOf } from '../../helpers/zip.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { waitFor } from '../../helpers/poll.js';
import { inProcessSandbox, runNsxInProcess, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { getToken } from '../../helpers/sandbox.js';
import { tempDir, type TempDir, WORKED_EXAMPLE_STOCK } from '../../helpers/stock.js';

interface StockView {
  product_id: string;
  fulfillment_node_id: string;
  on_hand: number;
  atp: number;
  allocations: { logical_timestamp: number; state: string }[];
}
interface ImportResult {
  import_id: string | null;
  state: string | null;
  reason: string | null;
  items: number;
  range: { from: number; to: number } | null;
  bytes: number;
  duration_ms: number;
  source_uri: string | null;
  errors: { reason: string; entity_id?: string }[];
}

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STOCK_CSV = 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n';

async function stockOf(productId: string, nodeId: string): Promise<StockView> {
  const { stock } = await h!.admin<{ stock: StockView[] }>('GET', `/_sandbox/stock?product_id=${productId}&fulfillment_node_id=${nodeId}`);
  expect(stock).toHaveLength(1);
  return stock[0]!;
}

const token = (): Promise<string> => getToken(h!.sandbox);

/** The import API, called directly (to set up jobs nsx did not make). */
async function importApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h!.sandbox.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A stand-in for a bucket behind presigned URLs: stores PUT bodies, serves them to GET, records requests. */
async function fakeBucket(): Promise<{ url: string; requests: { method: string; url: string; headers: Record<string, string | string[] | undefined> }[]; refuse: boolean; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const files = new Map<string, Buffer>();
  const state = { refuse: false };
  const requests: { method: string; url: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const path = (req.url ?? '').split('?')[0]!;
      if (state.refuse) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      } else if (req.method === 'PUT') {
        files.set(path, Buffer.concat(chunks));
        res.writeHead(200).end();
      } else if (files.has(path)) res.writeHead(200).end(files.get(path));
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function importCount(): Promise<number> {
  return (await h!.admin<{ counts: { imports: number } }>('GET', '/_sandbox/')).counts.imports;
}

describe('nsx stock import against the sandbox', () => {
  it('the worked example: on hand 17 with range 10-12 leaves only the allocation of 13, ATP 16', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    await h.admin('PUT', '/_sandbox/stock', WORKED_EXAMPLE_STOCK);
    expect((await stockOf('10000102', 'DC01')).atp).toBe(6);

    const file = tmp.file('worked-example.csv', STOCK_CSV);
    const r = await h.nsx(['stock', 'import', file, '--range', '10-12', '--wait', '--output', 'json']);
    expect(r.stderr).toContain('started import');
    expect(r.code).toBe(ExitCode.ok);
    const result = JSON.parse(r.stdout) as ImportResult;
    expect(result).toMatchObject({ state: 'finished', reason: null, items: 1, range: { from: 10, to: 12 } });
    expect(result.import_id).toMatch(/\S/);
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.source_uri).toContain('/_sandbox/files/nsx-stock-');

    const after = await stockOf('10000102', 'DC01');
    expect(after.on_hand).toBe(17);
    expect(after.allocations.map((a) => a.logical_timestamp)).toEqual([13]);
    expect(after.atp).toBe(16);

    const status = await h.nsx(['stock', 'status', result.import_id!, '--json']);
    expect(status.code).toBe(ExitCode.ok);
    expect(JSON.parse(status.stdout)).toMatchObject({ import_id: result.import_id, state: 'finished', provider: 'nsx' });
  });

  it('a failed job: exit 6 with the reason and the first item errors (and stock status says the same)', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    // NewStore reads a zip whose items repeat a pair (nsx would have refused to build it).
    const bad = await zipOf({
      'availabilities.json': JSON.stringify({
        head: {},
        items: [
          { product_id: 'P1', fulfillment_node_id: 'DC01', quantity: 1 },
          { product_id: 'P1', fulfillment_node_id: 'DC01', quantity: 2 },
        ],
      }),
    });
    const put = await fetch(`${h.sandbox.baseUrl}/_sandbox/files/bad.zip`, { method: 'PUT', body: bad });
    expect(put.status).toBe(201);
    const file = tmp.file('failing.csv', STOCK_CSV);
    const r = await h.nsx(['stock', 'import', file, '--source-uri', `${h.sandbox.baseUrl}/_sandbox/files/bad.zip`, '--wait', '--json']);
    expect(r.code).toBe(ExitCode.partial);
    const result = JSON.parse(r.stdout) as ImportResult;
    expect(result.state).toBe('failed');
    expect(result.reason).toMatch(/invalid item/);
    expect(result.errors[0]!.reason).toMatch(/more than once/);
    expect(r.stderr).toContain(`import ${result.import_id} failed: ${result.reason}`);
    expect(r.stderr).toMatch(/more than once/);

    const status = await h.nsx(['stock', 'status', result.import_id!]);
    expect(status.code).toBe(ExitCode.partial);
    expect(status.stdout).toMatch(/^state\s+failed$/m);
    expect(status.stderr).toContain(result.reason!);
  });

  it('a job still going when the wait runs out: exit 7, and how to follow it', async () => {
    h = await inProcessSandbox({ scenario: 'empty', timeScale: 1 }); // a job takes ~7 s at time scale 1
    const file = tmp.file('slow.csv', STOCK_CSV);
    const r = await h.nsx(['stock', 'import', file, '--range', '1-2', '--wait', '--timeout', '1s', '--json']);
    expect(r.code).toBe(ExitCode.precondition);
    const result = JSON.parse(r.stdout) as ImportResult;
    expect(['received', 'waiting', 'processing']).toContain(result.state);
    expect(r.stderr).toContain(`nsx --timeout 1s stock status ${result.import_id} --wait`); // the hint repeats the global flags in effect
    const status = await h.nsx(['stock', 'status', result.import_id!, '--wait', '--wait-timeout', '300ms']);
    expect(status.code).toBe(ExitCode.precondition);
  });

  it('waits out 429 (20 open jobs) as Retry-After says, saying so, then imports', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const open: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await importApi('POST', '/v0/d/import', { provider: 'test', name: `blocker-${i}`, source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false });
      expect(created.status).toBe(201);
      open.push(created.body.id as string);
    }
    expect((await importApi('POST', '/v0/d/import', { provider: 'test', name: 'one-more', source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false })).status).toBe(429);

    const file = tmp.file('throttled.csv', STOCK_CSV);
    const running = h.start(['stock', 'import', file, '--range', '10-12', '--wait', '--json']);
    let ended = false;
    void running.result.finally(() => (ended = true)).catch(() => {});
    await waitFor(() => /open import jobs \(429\)/.test(running.stderr()), 25_000, 'the 429 message', { intervalMs: 100, giveUpIf: () => ended, detail: running.stderr });
    expect(await importCount()).toBe(20); // nothing created while throttled
    // The blockers run (and fail: their data is nowhere), which frees the slots.
    for (const id of open) expect((await importApi('POST', `/v0/d/import/${id}/start`, { transformed_uri: `${h.sandbox.baseUrl}/_sandbox/files/missing.zip` })).status).toBe(200);
    const r = await running.result;
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'finished', items: 1 });
    expect(r.stderr).toMatch(/waiting \d.*as it asked/);
  }, 60_000);

  it('uploads to a presigned URL (streamed, known length, no auth header) that NewStore then reads; the signature is never shown', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const bucket = await fakeBucket();
    try {
      const file = tmp.file('presigned.csv', STOCK_CSV);
      const put = `${bucket.url}/stock/today.zip?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=0123456789abcdef`;
      const r = await h.nsx(['stock', 'import', file, '--range', '10-12', '--upload-url-env', 'STOCK_PUT_URL', '--source-uri', `${bucket.url}/stock/today.zip`, '--wait', '--json', '--verbose'], {
        env: { STOCK_PUT_URL: put },
      });
      expect(r.code).toBe(ExitCode.ok);
      const result = JSON.parse(r.stdout) as ImportResult;
      expect(result).toMatchObject({ state: 'finished', source_uri: `${bucket.url}/stock/today.zip` });
      const upload = bucket.requests.find((q) => q.method === 'PUT')!;
      expect(upload.url).toBe('/stock/today.zip?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=0123456789abcdef');
      expect(upload.headers['content-length']).toBe(String(result.bytes));
      expect(upload.headers.authorization).toBeUndefined();
      expect(upload.headers['transfer-encoding']).toBeUndefined();
      expect(bucket.requests.some((q) => q.method === 'GET' && q.url === '/stock/today.zip')).toBe(true); // NewStore read it
      expect(`${r.stdout}${r.stderr}`).not.toContain('0123456789abcdef');
      expect(h.sandbox.state.blobs.size).toBe(0); // not the sandbox's blob store

      // An expired URL: S3's answer, exit 4, and no job.
      bucket.refuse = true;
      const refused = await h.nsx(['stock', 'import', file, '--upload-url', put, '--source-uri', `${bucket.url}/stock/today.zip`]);
      expect(refused.code).toBe(ExitCode.auth);
      expect(refused.stderr).toContain('AccessDenied: Request has expired');
      expect(refused.stderr).not.toContain('0123456789abcdef');
      expect(await importCount()).toBe(1);
    } finally {
      await bucket.close();
    }
  });

  it('refuses bad input with the line, exit 2, and sends nothing', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const file = tmp.file('bad.csv', 'product_id,fulfillment_node_id,quantity\nP1,DC01,3\nP2,DC01,-3\nP1,DC01,4\n');
    const r = await h.nsx(['stock', 'import', file, '--range', '10-12', '--wait']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('2 problems in');
    expect(r.stderr).toContain('line 3: quantity must be a non-negative integer, got "-3"');
    expect(r.stderr).toContain('line 4: product "P1" at node "DC01" is listed twice (first at line 2)');
    expect(r.stdout).toBe('');
    expect(await importCount()).toBe(0);
    expect(h.sandbox.state.blobs.size).toBe(0);
  });

  it('--dry-run validates and packages, prints what would be sent, and sends nothing', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const file = tmp.file('dry.ndjson', '{"product_id":"P1","fulfillment_node_id":"DC01","quantity":3}\n{"product_id":"P2","fulfillment_node_id":"S7","quantity":0}\n');
    const zipPath = `${tmp.dir}/dry.zip`;
    const r = await h.nsx(['stock', 'import', file, '--range-from', '5', '--range-to', '9', '--dry-run', '--save-zip', zipPath, '--name', 'nightly-1']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^would_send\s+2 items$/m);
    expect(r.stdout).toMatch(/^range\s+5-9$/m);
    expect(r.stdout).toMatch(/^name\s+nightly-1$/m);
    expect(r.stderr).toContain('dry run: nothing was sent');
    expect(await importCount()).toBe(0);
    expect(h.sandbox.state.blobs.size).toBe(0);
    const { availabilitiesOf } = await import('../../helpers/stock.js');
    expect(await availabilitiesOf(zipPath)).toEqual({
      head: { logical_timestamp_range: { from: 5, to: 9 } },
      items: [
        { product_id: 'P1', fulfillment_node_id: 'DC01', quantity: 3 },
        { product_id: 'P2', fulfillment_node_id: 'S7', quantity: 0 },
      ],
    });
  });
});

describe('nsx stock flags (exit 2 before anything is read or sent)', () => {
  it.each([
    [['--range', '12-10'], /from 12 is greater than to 10/],
    [['--range', '10'], /"10" is not FROM-TO/],
    [['--range', '1-2', '--range-from', '1'], /not both/],
    [['--range-from', '1'], /go together/],
    [['--revision', '-1'], /--revision: "-1" is not a non-negative integer/],
    [['--full'], /full is not supported for availabilities/],
    [['--upload-url', 'https://bucket.s3.amazonaws.com/x.zip?X-Amz-Signature=abc'], /--upload-url needs --source-uri/],
    [['--source-uri', 'ftp://example.com/x.zip'], /--source-uri must be https:\/\/ or s3:\/\//],
    [['--wait-timeout', 'soon'], /is not a duration/],
  ])('%j', async (flags, message) => {
    const file = tmp.file('flags.csv', STOCK_CSV);
    const r = await runNsxInProcess(['stock', 'import', file, ...flags, '--base-url', 'https://acme.p.newstore.net'], {
      env: { NSX_CONFIG_DIR: `${tmp.dir}/cfg`, NSX_CLIENT_ID: 'x', NSX_CLIENT_SECRET: 'y' },
    });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('X-Amz-Signature=abc');
  });

  it('against a real tenant without --upload-url/--source-uri: exit 2 explaining them', async () => {
    const file = tmp.file('nowhere.csv', STOCK_CSV);
    const r = await runNsxInProcess(['stock', 'import', file, '--range', '1-2', '--tenant', 'acme'], { env: { NSX_CONFIG_DIR: `${tmp.dir}/cfg` } });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('nowhere to put the zip');
    expect(r.stderr).toContain('--upload-url URL --source-uri URI');
  });
});

