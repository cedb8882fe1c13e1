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
