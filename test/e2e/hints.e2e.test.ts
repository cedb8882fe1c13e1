// Hints outside recover and triage: each is built by nsxCommand from the invocation, so a command run
// with NSX_PROFILE prints `nsx --profile P ...`, and the printed command, typed in a fresh shell without
// NSX_PROFILE, acts on the same tenant.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { printedCommand, runPrinted } from '../helpers/printed.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A "sb" profile pointing at the harness's sandbox; the env leaves the harness's own variables out. */
function profileOnly(h: SandboxHarness): Record<string, string> {
  const dir = h.env.NSX_CONFIG_DIR!;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const profile = { tenant: h.sandbox.tenant, stage: 'sandbox', 'base-url': h.sandbox.baseUrl, 'token-url': h.sandbox.tokenUrl, 'client-id': h.sandbox.clientId };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: { sb: profile } }), { mode: 0o600 });
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ profiles: { sb: { client_secret: h.sandbox.clientSecret } } }), { mode: 0o600 });
  const env = { ...h.env };
  for (const key of ['NSX_BASE_URL', 'NSX_TOKEN_URL', 'NSX_TENANT', 'NSX_CLIENT_ID', 'NSX_CLIENT_SECRET']) delete env[key];
  return env;
}

describe('hints repeat the profile in effect and run as printed', () => {
  it('integrations stop: the start command it names starts the same integration', async () => {
    h = await sandboxHarness({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const env = profileOnly(h);
    const stop = await h.nsx(['integrations', 'stop', 'wms-fulfillment', '--yes'], { env: { ...env, NSX_PROFILE: 'sb' } });
    expect(stop.code, stop.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('wms-fulfillment')?.status).toBe('stopped');
    const start = printedCommand(stop.stderr, 'until someone runs: ');
    expect(start).toBe('nsx --profile sb integrations start wms-fulfillment');
    const r = await runPrinted(start, env);
    expect(r.code, r.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('wms-fulfillment')?.status).toBe('running');
  });

  it('integrations update with nothing to change: the help it points to is printed', async () => {
    h = await sandboxHarness({ scenario: 'demo' });
    const env = profileOnly(h);
    const r = await h.nsx(['integrations', 'update', 'erp-orders'], { env: { ...env, NSX_PROFILE: 'sb' } });
    expect(r.code).toBe(2);
    const help = printedCommand(r.stderr, 'see: ');
    expect(help).toBe('nsx --profile sb integrations update --help');
    const shown = await runPrinted(help, env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Usage: nsx integrations update');
  });
});
