// Ids are data, whoever chose them: a rejected event whose id is ".." (served by a NewStore, a proxy or
// another API client of the tenant) must never become a call on the enclosing resource. The sandbox sits
// behind a proxy that normalises dot segments, as many do; without the path builder's refusal,
// `DELETE …/rejected_events/..` arrives as `DELETE …/erp-orders/`: the integration is gone.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../helpers/run-nsx-in-process.js';
import { journalLines } from './recover/recover-sandbox.js';

interface Proxy {
  url: string;
  seen: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

/** A reverse proxy that resolves "." and ".." segments before forwarding (like URL parsing does). */
async function normalisingProxy(target: string): Promise<Proxy> {
  const seen: Proxy['seen'] = [];
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const u = new URL(raw, 'http://proxy.invalid');
    const path = u.pathname + u.search;
    seen.push({ method: req.method ?? 'GET', path });
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let h: InProcessSandboxHarness | undefined;
let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await h?.close();
  h = proxy = undefined;
});

/** The demo sandbox with one rejected event of erp-orders renamed to `id`, behind the proxy. */
async function withHostileEvent(id: string): Promise<{ h: InProcessSandboxHarness; proxy: Proxy; env: Record<string, string> }> {
  h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  const state = h.sandbox.state;
  const first = state.rejectedOf('erp-orders')[0]!;
  state.removeRejected('erp-orders', first);
  state.addRejected('erp-orders', { ...first, id });
  proxy = await normalisingProxy(h.sandbox.baseUrl);
  return { h, proxy, env: { NSX_BASE_URL: proxy.url } };
}

const INTEGRATION_PATH = /^\/api\/v1\/org\/integrations\/eventstream\/erp-orders\/?$/;

describe('a rejected event id of ".." from the server', () => {
  it('recover --drop refuses that one call, deletes the others, and the integration survives', async () => {
    const { h, proxy, env } = await withHostileEvent('..');
    const before = h.sandbox.state.rejectedOf('erp-orders').length;
    const r = await h.nsx(['recover', 'erp-orders', '--drop', 'event=*', '--on-error', 'skip', '--no-start', '--yes', '--output', 'json'], { env });
    expect(h.sandbox.state.integrations.has('erp-orders'), r.stderr).toBe(true);
    expect(proxy.seen.filter((s) => s.method === 'DELETE' && INTEGRATION_PATH.test(s.path))).toEqual([]);
    expect(proxy.seen.some((s) => s.path.includes('/rejected_events/..'))).toBe(false);
    // Only the hostile event is left; it was refused, not counted as deleted or delivered.
    expect(h.sandbox.state.rejectedOf('erp-orders').map((e) => e.id)).toEqual(['..']);
    expect(r.code).not.toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results.deleted).toBe(before - 1);
    expect(report.results.failed).toBe(1);
    const refused = journalLines(report.journal).find((l) => l.type === 'event' && l.event_id === '..');
    expect(refused).toMatchObject({ outcome: 'error' });
    expect(String(refused?.error)).toMatch(/refused to send DELETE .*rejected_events\/\{event_id\} with event_id "\.\."/);
  });

  it('recover (on-error stop) stops at it with the reason on stderr, and nothing was sent for it', async () => {
    const { h, proxy, env } = await withHostileEvent('..');
    const r = await h.nsx(['recover', 'erp-orders', '--drop', 'event=*', '--yes'], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/ \.\. .*was not delivered: refused to send DELETE .* with event_id "\.\.": "\.\." names the enclosing path/);
    // Other events may have been deleted alongside (--concurrency auto, the default); none for "..".
    expect(proxy.seen.filter((s) => s.method === 'DELETE' && (INTEGRATION_PATH.test(s.path) || /\/\.\.?(\/|$)|%2e/i.test(s.path)))).toEqual([]);
    expect(h.sandbox.state.integrations.has('erp-orders')).toBe(true);
    expect(h.sandbox.state.rejectedOf('erp-orders').map((e) => e.id)).toContain('..');
  });

  it('rejected delete --all refuses it and deletes the rest; a typed ".." is a usage error and nothing is sent', async () => {
    const { h, proxy, env } = await withHostileEvent('..');
    const r = await h.nsx(['rejected', 'delete', 'erp-orders', '--all', '--yes'], { env });
    expect(h.sandbox.state.integrations.has('erp-orders'), r.stderr).toBe(true);
    expect(h.sandbox.state.rejectedOf('erp-orders').map((e) => e.id)).toEqual(['..']);
    expect(proxy.seen.filter((s) => s.method === 'DELETE' && INTEGRATION_PATH.test(s.path))).toEqual([]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/refused to send DELETE/);

    for (const args of [['rejected', 'delete', 'erp-orders', '..', '--yes'], ['rejected', 'retry', 'erp-orders', '.', '--yes'], ['rejected', 'show', 'erp-orders', '%2e%2e']]) {
      const count = proxy.seen.length;
      const typed = await h.nsx(args, { env });
      expect(typed.code, args.join(' ')).toBe(2);
      expect(typed.stderr).toMatch(/event id .* is not valid/);
      expect(proxy.seen.length, 'nothing sent').toBe(count);
    }
    expect(h.sandbox.state.integrations.has('erp-orders')).toBe(true);
  });
});

describe('integration ids from the server and the completion cache', () => {
  it('integrations list shows a hostile id as data but caches only ids of the syntax nsx accepts', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const state = h.sandbox.state;
    const template = state.integrations.get('erp-orders')!;
    const hostile = ['evil-$(touch X)', 'evil-`id`', '..', 'a/b', 'x'.repeat(65)];
    for (const id of hostile) state.integrations.set(id, { ...structuredClone(template), id });
    const r = await h.nsx(['integrations', 'list', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const listed = (JSON.parse(r.stdout) as Array<{ id: string }>).map((i) => i.id);
    for (const id of hostile) expect(listed).toContain(id);
    const cached = readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids.d', 'default'), 'utf8').split('\n').filter(Boolean);
    expect(cached).toContain('erp-orders');
    for (const id of hostile) expect(cached).not.toContain(id);
    expect(cached.every((id) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id))).toBe(true);
  });
});

describe('redirects', () => {
  it('are never followed: a 302 to another host gets no request, and the token goes nowhere else', async () => {
    const elsewhere: Array<{ path: string; authorization: string | undefined }> = [];
    const other = createServer((req, res) => {
      elsewhere.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"integrations": []}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const api = createServer((req, res) => {
      if (req.url?.includes('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-redirect-test', expires_in: 300 }));
        return;
      }
      res.writeHead(302, { location: `${otherUrl}${req.url}` }).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    h = await inProcessSandbox({ scenario: 'empty' }); // only for its isolated home and credentials
    try {
      const r = await h.nsx(['integrations', 'list', '--output', 'json'], { env: { NSX_BASE_URL: base, NSX_TOKEN_URL: `${base}/token` } });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/answered 302/);
      expect(r.stderr).not.toContain('tok-redirect-test');
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });
});
