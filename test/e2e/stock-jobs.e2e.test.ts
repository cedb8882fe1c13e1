// nsx stock list and stock fail end to end: the built CLI against an in-process sandbox (and the documented
// list sample over a loopback socket), asserting exit codes, stdout, stderr, what the server received and
// holds afterwards; and the open-jobs 429 of stock import, whose printed commands are run as printed.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { nsxInTerminal } from '../commands/tty.js';
import { isolatedHome, ROOT, runNsx, startNsx } from '../helpers/cli.js';
import { serveHandlers } from '../helpers/msw-loopback.js';
import { printedCommand, printedInTerminal, runPrinted } from '../helpers/printed.js';
import { getToken, sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { tempDir, type TempDir } from '../helpers/stock.js';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

let h: SandboxHarness | undefined;
/** Every API request the sandbox received (method and path with query), the token call included. */
let received: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: Parameters<typeof sandboxHarness>[0] = {}): Promise<SandboxHarness> {
  h = await sandboxHarness({ scenario: 'empty', ...options });
  received = [];
  h.sandbox.server.on('request', (req: IncomingMessage) => {
    if (!req.url?.startsWith('/_sandbox')) received.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
  });
  return h;
}

const token = (): Promise<string> => getToken(h!.sandbox);

/** A job made through the import API directly (not by nsx): state received until started. */
async function createJob(name: string): Promise<string> {
  const res = await fetch(`${h!.sandbox.baseUrl}/v0/d/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'test', name, source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const STOCK_CSV = 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n';
const job = (id: string) => h!.sandbox.state.imports.get(id)!;
const rows = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
const failCalls = () => received.filter((r) => r.includes('/set_fail'));

describe('nsx stock list', () => {
  it('lists jobs oldest first as tsv; --state is sent as filter[state]; json prints whole jobs', async () => {
    await harness();
    const a = await createJob('first');
    const b = await createJob('second');
    const finished = JSON.parse((await h!.nsx(['stock', 'import', tmp.file('s.csv', STOCK_CSV), '--range', '1-2', '--wait', '--json'])).stdout).import_id as string;

    const all = await h!.nsx(['stock', 'list']);
    expect(all.code, all.stderr).toBe(0);
    expect(rows(all.stdout).map((r) => r.slice(0, 4))).toEqual([
      [a, 'received', 'first', 'test'],
      [b, 'received', 'second', 'test'],
      [finished, 'finished', expect.stringMatching(/^nsx-stock-/), 'nsx'],
    ]);
    expect(rows(all.stdout)[0]!.slice(5)).toEqual(['-', '-']); // no completed_at, no reason

    received = [];
    const open = await h!.nsx(['stock', 'list', '--state', 'received', '--json']);
    expect(open.code, open.stderr).toBe(0);
    const jobs = JSON.parse(open.stdout) as Array<Record<string, unknown>>;
    expect(jobs.map((j) => j.import_id)).toEqual([a, b]);
    expect(jobs[0]).toMatchObject({ provider: 'test', source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false });
    expect(received.filter((r) => r.startsWith('GET /v0/d/import'))).toEqual(['GET /v0/d/import?filter[state]=received']);

    const none = await h!.nsx(['stock', 'list', '--state', 'failed']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
  });

  it('draws an aligned table with a header in a terminal', async () => {
    await harness();
    const id = await createJob('tty-job');
    const term = nsxInTerminal(['stock', 'list'], h!.env);
    try {
      expect(await term.exitCode()).toBe(0);
      const screen = term.screen();
      expect(screen).toMatch(/^IMPORT_ID\s+STATE\s+NAME\s+PROVIDER\s+RECEIVED_AT\s+COMPLETED_AT\s+REASON/m);
      expect(screen).toMatch(new RegExp(`^${id}\\s+received\\s+tty-job\\s+test\\s+\\S+\\s+-\\s+-`, 'm'));
    } finally {
      term.close();
    }
  });

  it('a bad --state is exit 2 and nothing is sent', async () => {
    await harness();
    const r = await h!.nsx(['stock', 'list', '--state', 'stuck']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/Allowed choices are received, waiting, processing, finished, failed/);
    expect(received).toEqual([]);
  });
});

describe('nsx stock list reads the documented list answer and its envelopes (loopback)', () => {
  const sample = JSON.parse(readFileSync(`${ROOT}/test/fixtures/newstore-samples/import-list.json`, 'utf8')) as { items: unknown[]; pagination_info: unknown };

  async function listAgainst(body: unknown, args: string[] = []): Promise<{ r: Awaited<ReturnType<typeof runNsx>>; paths: string[] }> {
    const server = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-abc-123456', expires_in: 300 })),
      http.get('*/v0/d/import', () => HttpResponse.json(body as never)),
    ]);
    const home = isolatedHome();
    try {
      const r = await runNsx(['stock', 'list', ...args], {
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

describe('nsx stock fail', () => {
  it('fails a received job with the reason (json), which frees its open place', async () => {
    await harness();
    const id = await createJob('stuck-one');
    const r = await h!.nsx(['stock', 'fail', id, '--reason', 'stuck since Monday', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ import_id: id, state: 'failed', reason: 'stuck since Monday', name: 'stuck-one' });
    expect(r.stderr).toMatch(/its place among the 20 open jobs is freed/);
    expect(failCalls()).toEqual([`POST /v0/d/import/${id}/set_fail`]);
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'stuck since Monday' });
    expect(job(id).completed_at).toEqual(expect.any(String));
    expect(h!.sandbox.core.imports.openJobs()).toBe(0);
  });

  it('fails a job being processed: no stock is applied', async () => {
    await harness({ timeScale: 1 }); // pickup 2 s, processing 5 s
    const started = await h!.nsx(['stock', 'import', tmp.file('p.csv', STOCK_CSV), '--range', '1-2', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const id = JSON.parse(started.stdout).import_id as string;
    const deadline = Date.now() + 10_000;
    while (job(id).state !== 'processing') {
      if (Date.now() > deadline) throw new Error(`never processing: ${job(id).state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const r = await h!.nsx(['stock', 'fail', id, '--reason', 'wrong counts', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^state +failed$/m);
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // past the end of its processing
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'wrong counts' });
    const { stock } = await h!.admin<{ stock: Array<{ on_hand: number }> }>('GET', '/_sandbox/stock?product_id=10000102&fulfillment_node_id=DC01');
    expect(stock.every((s) => s.on_hand !== 17)).toBe(true);
  }, 30_000);

  it('a failed job is left as it is (exit 0); a finished one cannot be failed (exit 7); neither is sent', async () => {
    await harness();
    const id = await createJob('x');
    expect((await h!.nsx(['stock', 'fail', id, '--reason', 'first', '--yes'])).code).toBe(0);
    received = [];
    const again = await h!.nsx(['stock', 'fail', id, '--reason', 'second', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/has already failed: nothing to do/);
    expect(job(id).reason).toBe('first');

    const finished = JSON.parse((await h!.nsx(['stock', 'import', tmp.file('f.csv', STOCK_CSV), '--range', '1-2', '--wait', '--json'])).stdout).import_id as string;
    const r = await h!.nsx(['stock', 'fail', finished, '--reason', 'too late', '--yes']);
    expect(r.code).toBe(ExitCode.precondition);
    expect(r.stderr).toMatch(/^error: import .+ has finished: a finished job cannot be set to failed; nothing was sent$/m);
    expect(job(finished).state).toBe('finished');
    expect(failCalls()).toEqual([]);
  });

  it('in a terminal it shows the job and asks; yes fails it', async () => {
    await harness();
    const id = await createJob('ask-me');
    const term = nsxInTerminal(['stock', 'fail', id, '--reason', 'asked'], h!.env);
    try {
      const screen = await term.waitFor(new RegExp(`Fail import ${id}\\?`));
      expect(screen).toMatch(new RegExp(`Failing import ${id} \\(received, ask-me, received `));
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.close();
    }
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'asked' });
  });

  it.each([
    ['no --reason', ['--yes'], ExitCode.usage, /--reason TEXT is required/],
    ['a blank --reason', ['--reason', '   ', '--yes'], ExitCode.usage, /--reason: /],
    ['a --reason of 1001 characters', ['--reason', 'x'.repeat(1001), '--yes'], ExitCode.usage, /--reason: .*1 to 1000 characters/],
    ['no --yes and no terminal', ['--reason', 'no terminal'], ExitCode.confirmation, /pass --yes to go ahead/],
  ])('%s: refused, the job unchanged, no set_fail', async (_label, args, code, message) => {
    await harness();
    const id = await createJob('keep-me');
    received = [];
    const r = await h!.nsx(['stock', 'fail', id, ...(args as string[])]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
    expect(job(id).state).toBe('received');
    expect(failCalls()).toEqual([]);
    if (code === ExitCode.usage) expect(received).toEqual([]); // nothing at all was sent
  });

  it('a bad id is exit 2 with nothing sent (its hint runs as printed); an unknown one exit 5', async () => {
    await harness();
    const bad = await h!.nsx(['stock', 'fail', 'a/b', '--reason', 'x', '--yes']);
    expect(bad.code).toBe(ExitCode.usage);
    expect(received).toEqual([]);
    const id = await createJob('listed');
    const hint = await runPrinted(printedCommand(bad.stderr, 'see the ids with: '), h!.env);
    expect(hint.code, hint.stderr).toBe(0);
    expect(rows(hint.stdout).map((r) => r[0])).toEqual([id]);
    // ".." is one of those (it would name the import list itself): refused as typed, nothing sent.
    const sent = received.length;
    for (const args of [['stock', 'fail', '..', '--reason', 'x', '--yes'], ['stock', 'status', '%2e%2e']]) {
      const dots = await h!.nsx(args);
      expect(dots.code, args.join(' ')).toBe(ExitCode.usage);
      expect(dots.stderr).toMatch(/import id .* is not valid: .*enclosing path/);
    }
    expect(received.length, 'nothing sent').toBe(sent);
    const unknown = await h!.nsx(['stock', 'fail', 'imp-nope', '--reason', 'x', '--yes']);
    expect(unknown.code).toBe(ExitCode.notFound);
    expect(failCalls()).toEqual([]);
  });
});

describe('printed commands', () => {
  it('repeat the target flags of the invocation (--base-url, --token-url, --sandbox), so they act on the same API', async () => {
    await harness();
    const id = await createJob('flagged');
    const { NSX_BASE_URL: base, NSX_TOKEN_URL: tokenUrl, ...rest } = h!.env;
    const bad = await runNsx(['--base-url', base!, '--token-url', tokenUrl!, 'stock', 'fail', 'a b', '--reason', 'x'], { env: rest });
    expect(bad.code).toBe(ExitCode.usage);
    const command = printedCommand(bad.stderr, 'see the ids with: ');
    expect(command).toBe(`nsx --base-url ${base} --token-url ${tokenUrl} stock list`);
    const hint = await runPrinted(command, rest);
    expect(hint.code, hint.stderr).toBe(0);
    expect(rows(hint.stdout).map((r) => r[0])).toEqual([id]);

    const sandboxed = await runNsx(['--sandbox', 'stock', 'fail', 'a b', '--reason', 'x'], { env: rest });
    expect(sandboxed.code).toBe(ExitCode.usage);
    const inSandbox = printedCommand(sandboxed.stderr, 'see the ids with: ');
    expect(inSandbox).toBe('nsx --sandbox stock list');
    const again = await runPrinted(inSandbox, rest);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('stock import at the open-jobs limit (429)', () => {
  it('names the open jobs and prints the commands to list them and to fail a stuck one; run as printed, the import goes through', async () => {
    await harness();
    const open: string[] = [];
    for (let i = 0; i < 20; i++) open.push(await createJob(`blocker-${i}`));
    const running = startNsx(['stock', 'import', tmp.file('t.csv', STOCK_CSV), '--range', '10-12', '--wait', '--json'], h!.env);
    const deadline = Date.now() + 25_000;
    while (!/if one is stuck/.test(running.stderr())) {
      if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`no open-jobs message:\n${running.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stderr = running.stderr();
    expect(stderr).toMatch(/the open import jobs, oldest first \(20\):/);
    expect(stderr).toContain(`  ${open[0]}  received  since `);
    expect(stderr).toContain('blocker-4');
    expect(stderr).not.toContain('blocker-5'); // five shown, the rest by command

    const list = await runPrinted(printedCommand(stderr, 'all of them: '), h!.env);
    expect(list.code, list.stderr).toBe(0);
    expect(rows(list.stdout).map((r) => r[0])).toEqual(open);

    const fail = printedCommand(stderr, 'fail it to free its place: ');
    expect(fail).toMatch(new RegExp(`^nsx stock fail ${open[0]} --reason '`));
    const term = printedInTerminal(fail, h!.env);
    try {
      await term.waitFor(/Fail import .+\?/);
      term.keys('y', 'Enter');
      await term.waitFor(/\[exit 0\]/);
    } finally {
      term.close();
    }
    expect(job(open[0]!)).toMatchObject({ state: 'failed', reason: 'stuck: failed to free a place among the open import jobs' });

    const r = await running.exited;
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'finished', items: 1 });
  }, 60_000);
});
