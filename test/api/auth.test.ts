// Client-credentials tokens against a token endpoint served over loopback.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientCredentialsTokens } from '../../src/api/auth.js';
import { fileTokenCache, tokenCachePath } from '../../src/config/api-client.js';
import type { Settings } from '../../src/config/profiles.js';
import { AuthError, ExitCode, type NsxError } from '../../src/errors.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

let server: LoopbackServer;
let dir: string;
const agent = new Agent();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nsx-auth-'));
  process.env.NSX_CACHE_DIR = dir;
});
afterEach(async () => {
  await server?.close();
  delete process.env.NSX_CACHE_DIR;
  rmSync(dir, { recursive: true, force: true });
});

function settings(url: string, secret = 's3cret'): Settings {
  return {
    profile: 'acme', profileExists: true, tenant: 'acme', stage: 'p', baseUrl: url, tokenUrl: `${url}/token`,
    clientId: 'nsx', clientSecret: secret, staticToken: undefined, timeoutMs: 2000, output: undefined, sources: {},
  };
}

describe('client credentials', () => {
  it('repeats a token call that met a transient failure (503, reset)', async () => {
    let calls = 0;
    server = await serveHandlers([
      http.post('*/token', () => {
        calls++;
        if (calls === 1) return new HttpResponse(null, { status: 503, headers: { 'retry-after': '0' } });
        if (calls === 2) return HttpResponse.error();
        return HttpResponse.json({ access_token: 'tok-1', expires_in: 300 });
      }),
    ]);
    const tokens = new ClientCredentialsTokens(settings(server.url), agent, { cache: fileTokenCache });
    expect(await tokens.token()).toBe('tok-1');
    expect(server.requests).toHaveLength(3);
    expect(new URLSearchParams(server.requests[2]!.body).get('grant_type')).toBe('client_credentials');
  });

  it('does not repeat a refusal of the credentials, and names the profile', async () => {
    server = await serveHandlers([http.post('*/token', () => HttpResponse.json({ error: 'unauthorized_client' }, { status: 401 }))]);
    const error = await new ClientCredentialsTokens(settings(server.url, 'bad'), agent, { cache: fileTokenCache }).token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/profile acme \(tenant acme\).*401 \(unauthorized_client\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('caches the token owner-only until shortly before it expires, then fetches a new one', async () => {
    let n = 0;
    server = await serveHandlers([http.post('*/token', () => HttpResponse.json({ access_token: `tok-${++n}`, expires_in: 100 }))]);
    let now = 1_000_000;
    const make = () => new ClientCredentialsTokens(settings(server.url), agent, { cache: fileTokenCache }, () => now);
    expect(await make().token()).toBe('tok-1');
    expect(statSync(tokenCachePath()).mode & 0o777).toBe(0o600);
    now += 85_000; // a new process, 85 s later: still cached (refresh margin is 10 s of a 100 s token)
    expect(await make().token()).toBe('tok-1');
    now += 10_000; // 95 s: inside the margin
    expect(await make().token()).toBe('tok-2');
    expect(server.requests).toHaveLength(2);
  });

  it('reuses a token whose expires_in is 0, negative or "0" for the 30 s floor instead of fetching one per call', async () => {
    for (const expires of [0, -60, '0']) {
      let n = 0;
      server = await serveHandlers([http.post('*/token', () => HttpResponse.json({ access_token: `tok-${++n}`, expires_in: expires }))]);
      let now = 2_000_000;
      const tokens = new ClientCredentialsTokens(settings(server.url), agent, { cache: fileTokenCache }, () => now);
      expect(await tokens.token()).toBe('tok-1');
      now += 20_000;
      expect(await tokens.token()).toBe('tok-1');
      now += 10_000; // past the floor's refresh point
      expect(await tokens.token()).toBe('tok-2');
      expect(server.requests).toHaveLength(2);
      await server.close();
      rmSync(tokenCachePath(), { force: true });
    }
  });

  it('a 200 that is not the token JSON is exit 1 (not an auth failure) and quotes no part of a cut token', async () => {
    for (const body of ['<html><body>Sign in to the Wi-Fi</body></html>', '{"access_token": "eyJ-half-a-tok']) {
      server = await serveHandlers([http.post('*/token', () => new HttpResponse(body, { headers: { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' } }))]);
      const error = (await new ClientCredentialsTokens(settings(server.url), agent, { cache: fileTokenCache }).token().catch((e: unknown) => e)) as NsxError;
      expect(error).not.toBeInstanceOf(AuthError);
      expect(error.exitCode).toBe(ExitCode.error);
      expect(error.message).toMatch(/answered 200 with a body that is not JSON/);
      expect(error.message).not.toContain('half-a-tok');
      await server.close();
    }
  });
});
