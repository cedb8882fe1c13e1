// nsx auth status: per profile, the target, where the secret comes from (never the secret) and a fresh
// token asked for now (the cache is not read); a wrong secret or a partial profile is exit 4, reported.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { writeSandboxProfile, type SandboxHarness } from '../../helpers/sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Three profiles: good (the sandbox's credentials), wrong (a wrong secret), partial (no tenant, no URLs). */
async function threeProfiles(): Promise<{ h: InProcessSandboxHarness; env: Record<string, string | undefined> }> {
  h = await inProcessSandbox({ scenario: 'empty' });
  const env = writeSandboxProfile(h as unknown as SandboxHarness, 'good');
  const dir = h.env.NSX_CONFIG_DIR!;
  const sb = h.sandbox;
  const target = { tenant: sb.tenant, stage: 'sandbox', 'base-url': sb.baseUrl, 'token-url': sb.tokenUrl, 'client-id': sb.clientId };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ current_profile: 'good', profiles: { good: target, wrong: target, partial: { stage: 'x' } } }), { mode: 0o600 });
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ profiles: { good: { client_secret: sb.clientSecret }, wrong: { client_secret: 'not-the-secret' } } }), { mode: 0o600 });
  return { h, env };
}

const tokenCalls = (h: InProcessSandboxHarness, r: { requests: Array<{ method: string; path: string }> }) =>
  r.requests.filter((q) => q.method === 'POST' && q.path === new URL(h.sandbox.tokenUrl).pathname).length;

describe('nsx auth status', () => {
  it('the current profile: tenant, stage, secret from the file, a fresh token each time (the cache is not read), exit 0', async () => {
    const { h, env } = await threeProfiles();
    const first = await h.nsx(['auth', 'status', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    const s = JSON.parse(first.stdout);
    expect(s).toMatchObject({
      profile: 'good',
      current: true,
      saved: true,
      tenant: h.sandbox.tenant,
      stage: 'sandbox',
      api_base: h.sandbox.baseUrl,
      client_id: h.sandbox.clientId,
      secret_source: 'file',
      token_source: 'client credentials',
      can_authenticate: true,
      error: null,
    });
    expect(Date.parse(s.expires_at)).toBeGreaterThan(Date.now());
    expect(tokenCalls(h, first)).toBe(1);
    // A second run asks again (a cached token would say nothing about the credentials now).
    const second = await h.nsx(['auth', 'status'], { env, tty: { stdin: true, stdout: true, stderr: true } });
    expect(second.code, second.stderr).toBe(0);
    expect(tokenCalls(h, second)).toBe(1);
    expect(second.stdout).toContain('good (current)');
    expect(second.stdout).toContain('  secret     credentials file (config dir)');
    expect(second.stdout).toContain('  token      ✓ a fresh token was obtained, valid until 20');
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(h.sandbox.clientSecret);
  });

  it('a wrong secret: reported, exit 4, the secret never printed; the same profile with NSX_CLIENT_SECRET right: env, exit 0', async () => {
    const { h, env } = await threeProfiles();
    const wrong = await h.nsx(['--profile', 'wrong', 'auth', 'status'], { env });
    expect(wrong.code).toBe(4);
    expect(wrong.stdout).toContain('wrong');
    expect(wrong.stdout).toMatch(/token +✗ cannot be obtained: could not obtain a token for profile wrong .*answered 401/);
    expect(wrong.stderr).toContain('error: profile wrong cannot obtain a token now');
    expect(wrong.stderr).toContain('fix the credentials with: nsx --profile wrong auth login\n');
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-secret');

    const fromEnv = await h.nsx(['--profile', 'wrong', 'auth', 'status', '--json'], { env: { ...env, NSX_CLIENT_SECRET: h.sandbox.clientSecret } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ profile: 'wrong', secret_source: 'env', can_authenticate: true });
  });

  it('--all-profiles: the good one, the wrong secret and the partial profile (no tenant: reported, not a crash); exit 4', async () => {
    const { h, env } = await threeProfiles();
    const r = await h.nsx(['auth', 'status', '--all-profiles', '--json'], { env });
    expect(r.code).toBe(4);
    const { profiles } = JSON.parse(r.stdout) as { profiles: Array<Record<string, unknown>> };
    expect(profiles.map((p) => [p.profile, p.can_authenticate, p.secret_source])).toEqual([
      ['good', true, 'file'],
      ['wrong', false, 'file'],
      ['partial', false, 'none'],
    ]);
    expect(profiles[2]).toMatchObject({ tenant: null, api_base: null, stage: null, error: 'profile partial has no tenant or token URL' });
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { exit_code: 4, message: 'profiles wrong, partial cannot obtain a token now' } });
    // The partial profile never reached a token endpoint; the two others did.
    expect(tokenCalls(h, r)).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('not-the-secret');
  });

  it('--sandbox: the in-process sandbox authenticates; --sandbox with --all-profiles is exit 2', async () => {
    const { h, env } = await threeProfiles();
    const r = await h.nsx(['--sandbox', 'auth', 'status', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tenant: 'sandbox', can_authenticate: true });
    const both = await h.nsx(['--sandbox', 'auth', 'status', '--all-profiles'], { env });
    expect(both.code).toBe(2);
    expect(both.requests).toEqual([]);
  });
});
