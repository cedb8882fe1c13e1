import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configFilePath,
  credentialsFilePath,
  getClientSecret,
  profileOutputSetting,
  resetProfileStores,
  resolveSettings,
  upsertProfile,
  useProfile,
} from '../../src/config/profiles.js';
import { UsageError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nsx-config-'));
  process.env.NSX_CONFIG_DIR = join(dir, 'config');
  resetProfileStores();
});
afterEach(() => {
  delete process.env.NSX_CONFIG_DIR;
  resetProfileStores();
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('precedence: flags > environment > profile > defaults', () => {
  beforeEach(async () => {
    await upsertProfile('acme', { tenant: 'acme', stage: 'x', 'client-id': 'from-profile', timeout: '45s' }, { clientSecret: 'profile-secret' });
    await useProfile('acme');
  });

  it('uses the profile when nothing overrides it, and derives URLs from tenant and stage', async () => {
    const s = resolveSettings({}, {});
    expect(s).toMatchObject({
      profile: 'acme',
      tenant: 'acme',
      stage: 'x',
      baseUrl: 'https://acme.x.newstore.net',
      tokenUrl: 'https://id.x.newstore.net/auth/realms/acme/protocol/openid-connect/token',
      clientId: 'from-profile',
      clientSecret: 'profile-secret',
      timeoutMs: 45_000,
    });
    expect(s.sources).toMatchObject({ tenant: 'profile', baseUrl: 'derived', clientSecret: 'profile' });
  });

  it('lets the environment beat the profile and flags beat the environment', async () => {
    const env = { NSX_TENANT: 'env-tenant', NSX_STAGE: 's', NSX_CLIENT_ID: 'env-id', NSX_CLIENT_SECRET: 'env-secret', NSX_TIMEOUT: '5s' };
    expect(resolveSettings({}, env)).toMatchObject({ tenant: 'env-tenant', stage: 's', clientId: 'env-id', clientSecret: 'env-secret', timeoutMs: 5000 });
    const s = resolveSettings({ tenant: 'flag-tenant', stage: 't', timeout: '2s', baseUrl: 'http://127.0.0.1:4545/' }, env);
    expect(s).toMatchObject({ tenant: 'flag-tenant', stage: 't', timeoutMs: 2000, baseUrl: 'http://127.0.0.1:4545' });
    expect(s.tokenUrl).toBe('https://id.t.newstore.net/auth/realms/flag-tenant/protocol/openid-connect/token');
  });

  it('selects profiles by --profile over NSX_PROFILE over the current one, and refuses unknown ones', async () => {
    await upsertProfile('other', { tenant: 'other' });
    expect(resolveSettings({}, { NSX_PROFILE: 'other' }).tenant).toBe('other');
    expect(resolveSettings({ profile: 'acme' }, { NSX_PROFILE: 'other' }).tenant).toBe('acme');
    expect(() => resolveSettings({ profile: 'ghost' }, {})).toThrow(UsageError);
  });

  it("reads the selected profile's output key without throwing for a missing profile", async () => {
    await upsertProfile('other', { output: 'json' });
    expect(profileOutputSetting({ profile: 'other' }, {})).toBe('json');
    expect(profileOutputSetting({}, { NSX_PROFILE: 'other' })).toBe('json');
    expect(profileOutputSetting({}, {})).toBeUndefined(); // acme, the current one, has none
    expect(profileOutputSetting({ profile: 'ghost' }, {})).toBeUndefined();
  });

  it('takes NSX_TOKEN as a ready token and defaults the stage to p', async () => {
    await upsertProfile('bare', {});
    const s = resolveSettings({ profile: 'bare', tenant: 't1' }, { NSX_TOKEN: 'ready' });
    expect(s.staticToken).toBe('ready');
    expect(s.stage).toBe('p');
  });

  it('refuses plain http to a host that is not loopback, and bad timeouts', async () => {
    expect(() => resolveSettings({ baseUrl: 'http://acme.example.com' }, {})).toThrow(/loopback/);
    expect(() => resolveSettings({ baseUrl: 'http://[::1]:8080' }, {})).not.toThrow();
    expect(() => resolveSettings({ timeout: 'soon' }, {})).toThrow(/not a duration/);
  });
});

describe('the precedence table: tenant, stage, base URL and token URL at each level', () => {
  const SANDBOX_URL = 'http://127.0.0.1:4545';
  const SANDBOX_TOKEN = 'http://127.0.0.1:4545/auth/token';
  const derivedBase = (t: string, st: string) => `https://${t}.${st}.newstore.net`;
  const derivedToken = (t: string, st: string) => `https://id.${st}.newstore.net/auth/realms/${t}/protocol/openid-connect/token`;
  beforeEach(async () => {
    await upsertProfile('named', { tenant: 'prof', stage: 'x' });
    await upsertProfile('sandbox', { tenant: 'sandbox', stage: 'sandbox', 'base-url': SANDBOX_URL, 'token-url': SANDBOX_TOKEN });
    await upsertProfile('urls-only', { 'base-url': SANDBOX_URL, 'token-url': SANDBOX_TOKEN });
  });

  // [what, flags, env, expected tenant/stage/base/token and their sources]
  const table: Array<[string, Record<string, string>, Record<string, string>, { tenant?: string; stage: string; baseUrl?: string; tokenUrl?: string; sources: Record<string, string> }]> = [
    ['defaults only (no profile)', {}, {}, { stage: 'p', sources: { stage: 'default' } }],
    ['profile', { profile: 'named' }, {}, { tenant: 'prof', stage: 'x', baseUrl: derivedBase('prof', 'x'), tokenUrl: derivedToken('prof', 'x'), sources: { tenant: 'profile', stage: 'profile', baseUrl: 'derived', tokenUrl: 'derived' } }],
    ['env beats profile', { profile: 'named' }, { NSX_TENANT: 'envt', NSX_STAGE: 's' }, { tenant: 'envt', stage: 's', baseUrl: derivedBase('envt', 's'), tokenUrl: derivedToken('envt', 's'), sources: { tenant: 'env', stage: 'env' } }],
    ['flag beats env', { profile: 'named', tenant: 'flagt', stage: 't' }, { NSX_TENANT: 'envt', NSX_STAGE: 's' }, { tenant: 'flagt', stage: 't', baseUrl: derivedBase('flagt', 't'), tokenUrl: derivedToken('flagt', 't'), sources: { tenant: 'flag', stage: 'flag' } }],
    ['profile URLs', { profile: 'sandbox' }, {}, { tenant: 'sandbox', stage: 'sandbox', baseUrl: SANDBOX_URL, tokenUrl: SANDBOX_TOKEN, sources: { baseUrl: 'profile', tokenUrl: 'profile' } }],
    ['env URLs beat profile URLs', { profile: 'sandbox' }, { NSX_BASE_URL: 'http://127.0.0.1:1/', NSX_TOKEN_URL: 'http://127.0.0.1:1/t' }, { tenant: 'sandbox', baseUrl: 'http://127.0.0.1:1', tokenUrl: 'http://127.0.0.1:1/t', stage: 'sandbox', sources: { baseUrl: 'env', tokenUrl: 'env' } }],
    ['flag URLs beat env URLs', { profile: 'sandbox', baseUrl: 'http://127.0.0.1:2', tokenUrl: 'http://127.0.0.1:2/t' }, { NSX_BASE_URL: 'http://127.0.0.1:1', NSX_TOKEN_URL: 'http://127.0.0.1:1/t' }, { tenant: 'sandbox', stage: 'sandbox', baseUrl: 'http://127.0.0.1:2', tokenUrl: 'http://127.0.0.1:2/t', sources: { baseUrl: 'flag', tokenUrl: 'flag' } }],
    ['tenant and URLs at the same level (env) over a profile', { profile: 'sandbox' }, { NSX_TENANT: 'acme', NSX_BASE_URL: 'https://acme.p.newstore.net', NSX_TOKEN_URL: derivedToken('acme', 'p') }, { tenant: 'acme', stage: 'sandbox', baseUrl: 'https://acme.p.newstore.net', tokenUrl: derivedToken('acme', 'p'), sources: { tenant: 'env', baseUrl: 'env', tokenUrl: 'env' } }],
    ['tenant and URLs at the same level (flag) over a profile', { profile: 'sandbox', tenant: 'acme', baseUrl: 'http://127.0.0.1:3', tokenUrl: 'http://127.0.0.1:3/t' }, {}, { tenant: 'acme', stage: 'sandbox', baseUrl: 'http://127.0.0.1:3', tokenUrl: 'http://127.0.0.1:3/t', sources: { tenant: 'flag', baseUrl: 'flag', tokenUrl: 'flag' } }],
    ['a tenant flag that repeats the profile tenant', { profile: 'sandbox', tenant: 'sandbox' }, {}, { tenant: 'sandbox', stage: 'sandbox', baseUrl: SANDBOX_URL, tokenUrl: SANDBOX_TOKEN, sources: { tenant: 'flag', baseUrl: 'profile' } }],
    ['a flag tenant over env URLs that are the ones it derives', { tenant: 'acme' }, { NSX_BASE_URL: derivedBase('acme', 'p'), NSX_TOKEN_URL: derivedToken('acme', 'p') }, { tenant: 'acme', stage: 'p', baseUrl: derivedBase('acme', 'p'), tokenUrl: derivedToken('acme', 'p'), sources: { tenant: 'flag', baseUrl: 'env' } }],
    ['a flag tenant over env URLs: the URLs are given, the flag names the tenant', { tenant: 'acme' }, { NSX_BASE_URL: SANDBOX_URL, NSX_TOKEN_URL: SANDBOX_TOKEN, NSX_TENANT: 'sandbox' }, { tenant: 'acme', stage: 'p', baseUrl: SANDBOX_URL, tokenUrl: SANDBOX_TOKEN, sources: { tenant: 'flag', baseUrl: 'env', tokenUrl: 'env' } }],
  ];
  it.each(table)('%s', (_what, flags, env, expected) => {
    const s = resolveSettings(flags, env);
    const { sources, ...values } = expected;
    expect({ tenant: s.tenant, stage: s.stage, baseUrl: s.baseUrl, tokenUrl: s.tokenUrl }).toEqual({ tenant: undefined, baseUrl: undefined, tokenUrl: undefined, ...values });
    expect(s.sources).toMatchObject(sources);
  });

  // A tenant or stage at a higher level than an explicit URL that does not go with it: exit 2, naming both.
  const contradictions: Array<[string, Record<string, string>, Record<string, string>, RegExp]> = [
    ['--tenant over a profile base URL', { profile: 'sandbox', tenant: 'acme' }, {}, /--tenant acme contradicts the base-url http:\/\/127\.0\.0\.1:4545 of profile "sandbox" \(made for tenant sandbox\)/],
    ['NSX_TENANT over a profile base URL', { profile: 'sandbox' }, { NSX_TENANT: 'acme' }, /NSX_TENANT=acme contradicts the base-url http:\/\/127\.0\.0\.1:4545 of profile "sandbox"/],
    ['--stage over a profile base URL', { profile: 'sandbox', stage: 'x' }, {}, /--stage x contradicts the base-url/],
    ['NSX_STAGE over a profile that has URLs only', { profile: 'urls-only' }, { NSX_STAGE: 'x' }, /NSX_STAGE=x contradicts the base-url http:\/\/127\.0\.0\.1:4545 of profile "urls-only"/],
    ['--tenant and --base-url, but the token URL left to the profile', { profile: 'sandbox', tenant: 'acme', baseUrl: 'http://127.0.0.1:3' }, {}, /--tenant acme contradicts the token-url http:\/\/127\.0\.0\.1:4545\/auth\/token of profile "sandbox"/],
  ];
  it.each(contradictions)('refuses %s', (_what, flags, env, message) => {
    let error: unknown;
    try {
      resolveSettings(flags, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
    expect((error as UsageError).hint).toMatch(/give the URL at the same level too/);
  });
});

describe('files holding secrets', () => {
  it('are 0600 in a 0700 folder, the secret only in credentials.json', async () => {
    await upsertProfile('acme', { tenant: 'acme' }, { clientSecret: 'top-secret' });
    expect(mode(process.env.NSX_CONFIG_DIR!)).toBe('700');
    expect(mode(configFilePath())).toBe('600');
    expect(mode(credentialsFilePath())).toBe('600');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(configFilePath(), 'utf8')).not.toContain('top-secret');
    expect(getClientSecret('acme')).toBe('top-secret');
  });

  it('repairs a folder and files that were opened up', async () => {
    await upsertProfile('acme', { tenant: 'acme' }, { clientSecret: 's' });
    chmodSync(process.env.NSX_CONFIG_DIR!, 0o755);
    chmodSync(configFilePath(), 0o644);
    resetProfileStores();
    await upsertProfile('acme', { stage: 'x' });
    expect(mode(process.env.NSX_CONFIG_DIR!)).toBe('700');
    expect(mode(configFilePath())).toBe('600');
  });
});
