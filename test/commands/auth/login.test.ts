// nsx auth login: a new profile is checked with what it would save, and nothing of the current profile
// (another tenant's base URL must neither leak into it nor be reported as a contradiction).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('nsx auth login', () => {
  it('--profile NEW --tenant T while the current profile points at another tenant: saved, verified, the current one untouched', async () => {
    h = await inProcessSandbox({ scenario: 'empty' });
    const sb = h.sandbox;
    const dir = h.env.NSX_CONFIG_DIR!;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const acme = { tenant: 'acme', 'base-url': 'http://127.0.0.1:9', 'client-id': 'acme-client' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ current_profile: 'acme', profiles: { acme } }), { mode: 0o600 });
    const env = { NSX_PROFILE: undefined, NSX_BASE_URL: undefined, NSX_TOKEN_URL: undefined, NSX_TENANT: undefined, NSX_CLIENT_ID: undefined, NSX_CLIENT_SECRET: undefined };
    const r = await h.nsx(['auth', 'login', '--profile', 'ci', '--tenant', sb.tenant, '--token-url', sb.tokenUrl, '--client-id', sb.clientId, '--client-secret-stdin'], {
      env,
      input: `${sb.clientSecret}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('profile ci saved: a token was obtained');
    expect(r.stderr).not.toContain(sb.clientSecret);
    expect(r.requests.filter((q) => q.method === 'POST' && q.path === new URL(sb.tokenUrl).pathname)).toHaveLength(1);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.current_profile).toBe('acme');
    expect(config.profiles.acme).toEqual(acme);
    expect(config.profiles.ci).toEqual({ tenant: sb.tenant, 'token-url': sb.tokenUrl, 'client-id': sb.clientId });
  });
});
