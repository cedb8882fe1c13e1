// Two nsx runs in one process at the same time, each with its own environment (config, state and cache
// dirs, profile, secret): each reads and writes only its own files and calls only its own tenant. The
// environment reaches nsx through the IO (main(argv, io)), never through process.env.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../../helpers/msw-loopback.js';
import { runNsxInProcess, startNsxInProcess } from '../../helpers/run-nsx-in-process.js';

const LIST = '*/api/v1/org/integrations/eventstream';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Tenant {
  name: string;
  home: IsolatedHome;
  server: LoopbackServer;
  secret: string;
}

/**
 * A tenant whose list answers only once the other tenant's list was asked for too: the two runs must be
 * in flight together (a runner that let one environment in at a time would stall here, and the list
 * answers 503 after 5 s).
 */
async function twoTenantsAnsweringTogether(): Promise<[Tenant, Tenant]> {
  const arrived = new Set<string>();
  let bothArrived: () => void = () => {};
  const together = new Promise<void>((resolve) => (bothArrived = resolve));
  const tenant = async (name: string): Promise<Tenant> => {
    const secret = `secret-of-${name}`;
    const server = await serveHandlers([
      http.post('*/token', async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        if (form.get('client_secret') !== secret) return HttpResponse.json({ error: 'unauthorized_client' }, { status: 401 });
        return HttpResponse.json({ access_token: `token-of-${name}`, expires_in: 300, token_type: 'Bearer' });
      }),
      http.get(LIST, async ({ request }) => {
        if (request.headers.get('authorization') !== `Bearer token-of-${name}`) return new HttpResponse(null, { status: 403 });
        arrived.add(name);
        if (arrived.size === 2) bothArrived();
        const timedOut = await Promise.race([together.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 5000))]);
        if (timedOut) return HttpResponse.json({ title: 'the other run never asked', status: 503 }, { status: 503 });
        return HttpResponse.json({ integrations: [{ id: `only-at-${name}`, status: 'running', integration_type: 'permanent' }] });
      }),
    ]);
    const home = isolatedHome();
    cleanups.push(() => server.close(), () => home.cleanup());
    return { name, home, server, secret };
  };
  return [await tenant('alpha'), await tenant('beta')];
}

describe('two in-process runs with different environments at the same time', () => {
  it('each writes its own profile, uses its own profile, secret, token cache and id cache, and calls its own tenant', async () => {
    const envBefore = { ...process.env };
    const tenants = await twoTenantsAnsweringTogether();

    // Both profiles written at once, each into its own config dir.
    const set = await Promise.all(
      tenants.map((t) =>
        runNsxInProcess(['config', 'set', 'base-url', t.server.url, '--profile', t.name], { env: t.home.env }).then(async (first) => [
          first,
          await runNsxInProcess(['config', 'set', 'token-url', `${t.server.url}/token`, '--profile', t.name], { env: t.home.env }),
          await runNsxInProcess(['config', 'set', 'client-id', `client-${t.name}`, '--profile', t.name], { env: t.home.env }),
        ]),
      ),
    );
    for (const r of set.flat()) expect(r.code, r.stderr).toBe(0);
    for (const t of tenants) {
      const config = JSON.parse(readFileSync(join(t.home.env.NSX_CONFIG_DIR!, 'config.json'), 'utf8')) as { profiles: Record<string, unknown> };
      expect(Object.keys(config.profiles)).toEqual([t.name]);
    }

    // Both lists in flight together, each choosing its profile and secret through its own environment.
    const runs = tenants.map((t) =>
      startNsxInProcess(['integrations', 'list', '--json'], { env: { ...t.home.env, NSX_PROFILE: t.name, NSX_CLIENT_SECRET: t.secret } }),
    );
    const results = await Promise.all(runs.map((r) => r.result));
    tenants.forEach((t, i) => {
      const r = results[i]!;
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id)).toEqual([`only-at-${t.name}`]);
      expect(t.server.requests.filter((q) => q.method === 'GET').map((q) => q.path)).toEqual(['/api/v1/org/integrations/eventstream']);
      const cache = t.home.env.NSX_CACHE_DIR!;
      expect(readFileSync(join(cache, 'integration-ids.d', t.name), 'utf8').trim()).toBe(`only-at-${t.name}`);
      const tokens = readFileSync(join(cache, 'tokens.json'), 'utf8');
      expect(tokens).toContain(`token-of-${t.name}`);
      expect(tokens).not.toContain(`token-of-${tenants[1 - i]!.name}`);
    });
    // The test process's own environment was never the runs'.
    expect(process.env).toEqual(envBefore);
  });
});
