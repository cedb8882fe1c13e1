// Servers that never finish: lists that never end (always-full pages, the same page again, a total that
// grows as fast as nsx reads) and an answer that trickles in one byte at a time. nsx must stop on its own,
// soon, with bounded output and one line that names the route.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runNsxInProcess, inProcessSandbox, type InProcessSandboxHarness } from '../helpers/run-nsx-in-process.js';
import { isolatedHome, type IsolatedHome } from '../helpers/cli.js';
import { expectedOrder, journalLines, receiverLog, rejectedOnServer, setReceiverRule } from './recover/recover-sandbox.js';

interface Loopback {
  url: string;
  seen: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, seen: Loopback['seen']) => void): Promise<Loopback> {
  const seen: Loopback['seen'] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    handler(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes one request on to `target` as it came (body, headers, no redirect following); its answer. */
async function relay(target: string, req: IncomingMessage, headers: Record<string, string>): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return fetch(`${target}${req.url}`, {
    method: req.method ?? 'GET',
    headers,
    ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    redirect: 'manual',
  });
}

/** Passes one request on to `target` (see relay) and its answer back. */
async function forward(target: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const upstream = await relay(target, req, headers);
  const out: Record<string, string> = {};
  upstream.headers.forEach((v, k) => {
    if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
  });
  res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
}

type Shape = 'always-full' | 'same-page' | 'growing-total';
const LIST = /\/(rejected_events|logs)$/;

/**
 * In front of the sandbox: every GET of a rejected-events or logs list is answered with hostile pages made
 * from the sandbox's own first item (so that each item is one nsx understands); the rest is passed through.
 */
async function hostileLists(target: string, shape: Shape): Promise<Loopback> {
  return listen((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x.invalid');
    const match = req.method === 'GET' ? LIST.exec(u.pathname) : null;
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    void (async () => {
      if (!match) {
        await forward(target, req, res, headers);
        return;
      }
      const key = match[1]!;
      const first = await fetch(`${target}${u.pathname}?offset=0&count=1`, { headers });
      const template = ((await first.json()) as Record<string, Array<Record<string, unknown>>>)[key]![0]!;
      const offset = Number(u.searchParams.get('offset') ?? 0);
      const count = Number(u.searchParams.get('count') ?? 50);
      const base = shape === 'same-page' ? 0 : offset;
      const items = Array.from({ length: count }, (_, i) => ({ ...template, id: `${String(template.id)}-h${base + i}` }));
      const info = shape === 'growing-total' ? { offset, count, total: offset + 2 * count } : { offset, count };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ [key]: items, pagination_info: info }));
    })().catch(() => res.destroy());
  });
}

let h: InProcessSandboxHarness | undefined;
let server: Loopback | undefined;
let home: IsolatedHome | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
  home?.cleanup();
  h = server = home = undefined;
});

const ROUTE = {
  rejected: /GET \/api\/v1\/org\/integrations\/eventstream\/erp-orders\/rejected_events: /,
  logs: /GET \/api\/v1\/org\/integrations\/eventstream\/erp-orders\/logs: /,
};
const REASON: Record<Shape, RegExp> = {
  'always-full': /more than 1000 items, the cap of one listing \(raise it with NSX_MAX_ITEMS\)/,
  'same-page': /the page at offset 200 repeats items already read/,
  'growing-total': /the total keeps growing as fast as nsx reads/,
};
const COMMANDS: Array<[string, string[], RegExp]> = [
  ['rejected list', ['rejected', 'list', 'erp-orders', '--output', 'ndjson'], ROUTE.rejected],
  ['logs list', ['logs', 'list', 'erp-orders', '--output', 'ndjson'], ROUTE.logs],
  ['recover --dry-run', ['recover', 'erp-orders', '--dry-run', '--output', 'json'], ROUTE.rejected],
];

describe('a list that never ends', () => {
  for (const shape of ['always-full', 'same-page', 'growing-total'] as const) {
    for (const [name, args, route] of COMMANDS) {
      it(`${name} stops a server sending ${shape} pages: exit 1, one line naming the route, bounded output`, async () => {
        h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
        server = await hostileLists(h.sandbox.baseUrl, shape);
        const r = await h.nsx(args, { env: { NSX_BASE_URL: server.url, NSX_MAX_ITEMS: '1000' }, timeoutMs: 30_000 });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(route);
        expect(r.stderr).toMatch(REASON[shape]);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stderr.split('\n').filter((l) => route.test(l)), r.stderr).toHaveLength(1); // one error line, no stack
        expect(r.ms).toBeLessThan(15_000);
        // At most the cap's worth of items was printed, and a handful of pages were asked for.
        expect(r.stdout.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1000);
        expect(server.seen.filter((s) => LIST.test(new URL(s.path, 'http://x.invalid').pathname)).length).toBeLessThanOrEqual(12);
      });
    }
  }

  it('reads a long list that does end, past the old page count, and NSX_MAX_ITEMS is checked', async () => {
    home = isolatedHome();
    const total = 450;
    server = await listen((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x.invalid');
      const offset = Number(u.searchParams.get('offset'));
      const count = Number(u.searchParams.get('count'));
      const n = Math.max(0, Math.min(count, total - offset));
      const logs = Array.from({ length: n }, (_, i) => ({ id: `log-${offset + i}`, created_at: '2026-11-20T08:00:00Z', level: 'info', message: `m${offset + i}` }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ logs, pagination_info: { offset, count, total } }));
    });
    const env = { ...home.env, NSX_BASE_URL: server.url, NSX_TENANT: 'acme', NSX_TOKEN: 'ready-token' };
    const ok = await runNsxInProcess(['logs', 'list', 'erp', '--output', 'ndjson'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(total);
    const capped = await runNsxInProcess(['logs', 'list', 'erp', '--output', 'ndjson'], { env: { ...env, NSX_MAX_ITEMS: '300' } });
    expect(capped.code).toBe(1);
    expect(capped.stderr).toMatch(/more than 300 items, the cap of one listing \(raise it with NSX_MAX_ITEMS\)/);
    const raised = await runNsxInProcess(['logs', 'list', 'erp', '--output', 'ndjson'], { env: { ...env, NSX_MAX_ITEMS: String(total) } });
    expect(raised.code, raised.stderr).toBe(0); // what the message says to do works
    expect(raised.stdout.trim().split('\n')).toHaveLength(total);
    const bad = await runNsxInProcess(['logs', 'list', 'erp'], { env: { ...env, NSX_MAX_ITEMS: 'lots' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSX_MAX_ITEMS must be a whole number/);
  });
});

describe('an answer that trickles in', () => {
  it('integrations get --timeout 2s gives up after about 2 s, not never, and says so', async () => {
    home = isolatedHome();
    const timers = new Set<NodeJS.Timeout>();
    server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const t = setInterval(() => res.write(' '), 500); // one byte every 500 ms: never idle long enough
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    try {
      const r = await runNsxInProcess(['integrations', 'get', 'erp', '--timeout', '2s'], {
        env: { ...home.env, NSX_BASE_URL: server.url, NSX_TENANT: 'acme', NSX_TOKEN: 'ready-token' },
        timeoutMs: 30_000,
      });
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/GET \/api\/v1\/org\/integrations\/eventstream\/erp: no complete answer from 127\.0\.0\.1:\d+ within 2s/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.ms).toBeLessThan(2000 + 3000);
      expect(server.seen).toHaveLength(1); // the answer was arriving: repeating it would trickle again
    } finally {
      for (const t of timers) clearInterval(t);
    }
  });
});

/** In front of the sandbox: passes everything through, except that `hang(req)` requests never get an answer. */
async function passThrough(target: string, hang: (method: string, path: string) => boolean): Promise<Loopback> {
  return listen((req, res) => {
    if (hang(req.method ?? 'GET', req.url ?? '/')) return; // read, never answered
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    forward(target, req, res, headers).catch(() => res.destroy());
  });
}

describe('a retry that never answers', () => {
  it('is sent at most twice (not 26 times), the run ends in bounded time, and the journal says the outcome is unknown', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const first = expectedOrder(rejectedOnServer(h, 'erp-orders'))[0]!;
    const retryOfFirst = (method: string, path: string): boolean => method === 'POST' && path.endsWith(`/rejected_events/${encodeURIComponent(first)}/_retry`);
    server = await passThrough(h.sandbox.baseUrl, retryOfFirst);
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start', '--timeout', '2s', '--output', 'json'], {
      env: { NSX_BASE_URL: server.url },
      timeoutMs: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(server.seen.filter((s) => retryOfFirst(s.method, s.path))).toHaveLength(2);
    expect(r.ms).toBeLessThan(15_000); // two 2 s deadlines and one back-off, not 83 s
    expect(r.code, r.stderr).toBe(6);
    const report = JSON.parse(r.stdout);
    const record = journalLines(report.journal).find((l) => l.type === 'event' && l.event_id === first);
    expect(record).toMatchObject({ outcome: 'error', sends: 2, outcome_unknown: true });
    expect(String(record?.error)).toMatch(/outcome unknown, sent 2 times: POST .*\/_retry timed out waiting for 127\.0\.0\.1:\d+ \(raise --timeout\?\)/);
  });
});

/**
 * In front of the sandbox: passes everything through, except that a request `pick` names is answered by
 * `answer`: after the sandbox has processed it (`processed: true`) or without passing it on at all.
 */
async function answering(target: string, pick: (method: string, path: string) => boolean, processed: boolean, answer: (res: ServerResponse) => void): Promise<Loopback> {
  return listen((req, res) => {
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    if (!pick(req.method ?? 'GET', req.url ?? '/')) {
      forward(target, req, res, headers).catch(() => res.destroy());
      return;
    }
    (processed ? relay(target, req, headers).then((r) => r.arrayBuffer()) : Promise.resolve()).then(() => answer(res), () => res.destroy());
  });
}

describe('a retry whose outcome is unknown is settled by reading the rejected events, not by sending it again', () => {
  async function firstOf(rule: string): Promise<{ h: InProcessSandboxHarness; first: string; retryOfFirst: (method: string, path: string) => boolean }> {
    // A receiver's 250 ms default would time out on a loaded machine and fail events these tests do not watch.
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 5000 });
    const first = expectedOrder(rejectedOnServer(h, 'erp-orders'))[0]!;
    const name = rejectedOnServer(h, 'erp-orders').find((e) => e.id === first)!.event.name;
    await setReceiverRule(h, rule.replace('{first}', name));
    return { h, first, retryOfFirst: (method, path) => method === 'POST' && path.endsWith(`/rejected_events/${encodeURIComponent(first)}/_retry`) };
  }
  const attemptsOf = (h: InProcessSandboxHarness, id: string): number | undefined =>
    (h.sandbox.state.rejectedOf('erp-orders').find((e) => e.id === id) as { attempts?: number } | undefined)?.attempts;
  const recordOf = (stdout: string, id: string) => journalLines(JSON.parse(stdout).journal).find((l) => l.type === 'event' && l.event_id === id);

  it('a connection reset after the sandbox delivered it: sent once, delivered (gone), nothing left', async () => {
    const { h, first, retryOfFirst } = await firstOf('accept-all');
    server = await answering(h.sandbox.baseUrl, retryOfFirst, true, (res) => res.destroy());
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start', '--output', 'json'], { env: { NSX_BASE_URL: server.url }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(server.seen.filter((s) => retryOfFirst(s.method, s.path))).toHaveLength(1);
    const record = recordOf(r.stdout, first);
    expect(record).toMatchObject({ outcome: 'delivered_gone', reads: 1 });
    expect(record?.sends).toBeUndefined();
    expect((await receiverLog(h)).filter((d) => d.event_id === first)).toHaveLength(1);
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
  });

  it('a 502 after the receiver rejected it again: sent once, recorded as rejected (one attempt more on the server)', async () => {
    const { h, first, retryOfFirst } = await firstOf('reject-events:{first}');
    const before = attemptsOf(h, first)!;
    server = await answering(h.sandbox.baseUrl, retryOfFirst, true, (res) => res.writeHead(502).end('bad gateway'));
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start', '--output', 'json'], { env: { NSX_BASE_URL: server.url }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(6);
    expect(server.seen.filter((s) => retryOfFirst(s.method, s.path))).toHaveLength(1);
    expect(recordOf(r.stdout, first)).toMatchObject({ outcome: 'rejected', receiver_status: 400, reads: 1 });
    expect(attemptsOf(h, first)).toBe(before + 1);
  });

  it('a 504 every time (the gateway stopped waiting, nothing processed): sent twice, then the journal says the outcome is unknown', async () => {
    const { h, first, retryOfFirst } = await firstOf('accept-all');
    const before = attemptsOf(h, first);
    server = await answering(h.sandbox.baseUrl, retryOfFirst, false, (res) => res.writeHead(504).end('gateway timeout'));
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start', '--output', 'json'], { env: { NSX_BASE_URL: server.url }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(6);
    expect(server.seen.filter((s) => retryOfFirst(s.method, s.path))).toHaveLength(2);
    const record = recordOf(r.stdout, first);
    expect(record).toMatchObject({ outcome: 'error', sends: 2, reads: 2, outcome_unknown: true });
    expect(String(record?.error)).toMatch(/^outcome unknown, sent 2 times: .*504/);
    expect(attemptsOf(h, first)).toBe(before);
  });
});
