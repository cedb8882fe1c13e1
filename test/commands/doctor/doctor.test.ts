// nsx doctor against the sandbox (all ok), and against loopback servers and files arranged to fail one
// check at a time (permissions, credentials, clock skew, unreachable API, proxy variables); nsx in-process.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNsxInProcess, inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../../helpers/msw-loopback.js';

interface Check {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}
const CHECKS = ['config', 'profile', 'credentials', 'token', 'api', 'clock', 'proxy'];
const byName = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as Check[]).map((c) => [c.check, c]));

let h: InProcessSandboxHarness;
beforeAll(async () => {
  h = await inProcessSandbox({ scenario: 'demo' });
});
afterAll(() => h.close());

describe('doctor against a healthy setup', () => {
  it('prints one ok line per check and exits 0', async () => {
    const r = await h.nsx(['doctor', '--output', 'tsv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.map((c) => c[1])).toEqual(CHECKS);
    expect(rows.every((c) => c[0] === 'ok')).toBe(true);
    expect(r.stdout).not.toContain(h.env.NSX_CLIENT_SECRET);
  });

  it('prints an array of {check, status, detail} in json mode', async () => {
    const r = await h.nsx(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const checks = JSON.parse(r.stdout) as Check[];
    expect(checks.map((c) => Object.keys(c).sort())).toEqual(CHECKS.map(() => ['check', 'detail', 'status']));
    const named = byName(r.stdout);
    expect(named.api!.detail).toMatch(/answered 200 in .* \(4 integrations\)/);
    expect(named.clock!.detail).toMatch(/within a second of the server/);
    expect(named.credentials!.detail).toBe('client id nsx-sandbox, secret from env');
  });
});

describe('doctor finds problems', () => {
  let home: IsolatedHome | undefined;
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    home?.cleanup();
    await server?.close();
    home = undefined;
    server = undefined;
  });

  /** A NewStore stand-in whose clock is `skewMs` ahead of ours. */
  async function skewedApi(skewMs: number): Promise<Record<string, string>> {
    const date = () => new Date(Date.now() + skewMs).toUTCString();
    server = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-abcdefgh', expires_in: 300 }, { headers: { date: date() } })),
      http.get('*/api/v1/org/integrations/eventstream', () => HttpResponse.json({ integrations: [] }, { headers: { date: date() } })),
    ]);
    home = isolatedHome();
    return { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_CLIENT_ID: 'c', NSX_CLIENT_SECRET: 'secret-value' };
  }

  it('fails the config check when the credentials file can be read by others (exit 1)', async () => {
    const dir = h.env.NSX_CONFIG_DIR!;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'credentials.json'), '{"profiles":{}}');
    chmodSync(join(dir, 'credentials.json'), 0o644);
    try {
      const r = await h.nsx(['doctor', '--json']);
      expect(r.code, r.stderr).toBe(1);
      expect(byName(r.stdout).config).toMatchObject({ status: 'fail', detail: expect.stringMatching(/credentials\.json is mode 644, should be 600/) });
      expect(r.stderr).toMatch(/^\{"error":\{"message":"1 of 7 checks failed: config"/m);
    } finally {
      chmodSync(join(dir, 'credentials.json'), 0o600);
    }
  });

  it('only warns when config.json is readable by others', async () => {
    const dir = h.env.NSX_CONFIG_DIR!;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'config.json'), '{"profiles":{}}');
    chmodSync(join(dir, 'config.json'), 0o644);
    try {
      const r = await h.nsx(['doctor', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(byName(r.stdout).config!.status).toBe('warn');
    } finally {
      chmodSync(join(dir, 'config.json'), 0o600);
    }
  });

  it('fails credentials and token without a secret, and still reports the API reachable', async () => {
    const r = await h.nsx(['doctor', '--json'], { env: { NSX_CLIENT_SECRET: undefined as unknown as string } });
    expect(r.code, r.stderr).toBe(1);
    const c = byName(r.stdout);
    expect(c.credentials).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no client secret for profile default/) });
    expect(c.token!.status).toBe('fail');
    expect(c.api).toMatchObject({ status: 'warn', detail: expect.stringMatching(/reachable \(answered 401 without a token\)/) });
    expect(c.clock!.status).toBe('warn');
    expect(r.stderr).toMatch(/2 of 7 checks failed: credentials, token/);
  });

  it('fails the token check when the token endpoint refuses the secret', async () => {
    const r = await h.nsx(['doctor', '--json'], { env: { NSX_CLIENT_SECRET: 'wrong-secret' } });
    expect(r.code, r.stderr).toBe(1);
    expect(byName(r.stdout).token).toMatchObject({ status: 'fail', detail: expect.stringMatching(/could not obtain a token/) });
    expect(r.stdout + r.stderr).not.toContain('wrong-secret');
  });

  it('warns about a clock a minute off, and fails one ten minutes off', async () => {
    const minute = await runNsxInProcess(['doctor', '--json'], { env: await skewedApi(60_000) });
    expect(minute.code, minute.stderr).toBe(0);
    expect(byName(minute.stdout).clock).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^this machine's clock is (59\.\ds|1m0\ds) behind the server$/) });
    await server!.close();
    home!.cleanup();

    const ten = await runNsxInProcess(['doctor', '--json'], { env: await skewedApi(-10 * 60_000) });
    expect(ten.code, ten.stderr).toBe(1);
    expect(byName(ten.stdout).clock).toMatchObject({ status: 'fail', detail: expect.stringMatching(/(9m59|10m0\d)s ahead of the server.*sync it/) });
  });

  it('fails the api check when the API does not answer', async () => {
    const env = await skewedApi(0);
    const r = await runNsxInProcess(['doctor', '--json'], { env: { ...env, NSX_BASE_URL: 'http://127.0.0.1:9' } });
    expect(r.code, r.stderr).toBe(1);
    const c = byName(r.stdout);
    expect(c.token!.status).toBe('ok');
    expect(c.api).toMatchObject({ status: 'fail', detail: expect.stringMatching(/cannot connect to 127\.0\.0\.1:9: connection refused/) });
  });

  it('fails the profile check with no tenant or base URL, and says what was not checked', async () => {
    home = isolatedHome();
    const r = await runNsxInProcess(['doctor', '--json'], { env: home.env });
    expect(r.code, r.stderr).toBe(1);
    const c = byName(r.stdout);
    expect(Object.keys(c)).toEqual(CHECKS);
    expect(c.profile).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no API base URL/) });
    expect(c.api).toMatchObject({ status: 'warn', detail: 'not checked: no API base URL' });
  });

  it('shows the proxy in effect, and fails a proxy variable that is not a URL', async () => {
    const via = await h.nsx(['doctor', '--json'], { env: { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: '127.0.0.1,localhost' } });
    expect(via.code, via.stderr).toBe(0);
    expect(byName(via.stdout).proxy).toEqual({ check: 'proxy', status: 'ok', detail: 'requests go through http://proxy.example:3128 (NO_PROXY=127.0.0.1,localhost)' });
    const bad = await h.nsx(['doctor', '--json'], { env: { HTTP_PROXY: 'not a url', NO_PROXY: '*' } });
    expect(bad.code, bad.stderr).toBe(1);
    expect(byName(bad.stdout).proxy!.status).toBe('fail');
  });
});
