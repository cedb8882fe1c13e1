// Hints outside recover and triage: each is built by nsxCommand from the invocation, so a command run
// with NSX_PROFILE prints `nsx --profile P ...`, and the printed command, typed in a fresh shell without
// NSX_PROFILE, acts on the same tenant.
import { afterEach, describe, expect, it } from 'vitest';
import { printedCommand, runPrinted } from '../helpers/printed.js';
import { inProcessSandbox, type InProcessSandboxHarness } from '../helpers/run-nsx-in-process.js';
import { writeSandboxProfile } from '../helpers/sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('hints repeat the profile in effect and run as printed', () => {
  it('integrations stop: the start command it names starts the same integration', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const env = { ...h.env, ...writeSandboxProfile(h) };
    const stop = await h.nsx(['integrations', 'stop', 'wms-fulfillment', '--yes'], { env: { ...env, NSX_PROFILE: 'sandbox' } });
    expect(stop.code, stop.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('wms-fulfillment')?.status).toBe('stopped');
    const start = printedCommand(stop.stderr, 'until someone runs: ');
    expect(start).toBe('nsx --profile sandbox integrations start wms-fulfillment');
    const r = await runPrinted(start, env);
    expect(r.code, r.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('wms-fulfillment')?.status).toBe('running');
  });

  it('integrations update with nothing to change: the help it points to is printed', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const env = { ...h.env, ...writeSandboxProfile(h) };
    const r = await h.nsx(['integrations', 'update', 'erp-orders'], { env: { ...env, NSX_PROFILE: 'sandbox' } });
    expect(r.code).toBe(2);
    const help = printedCommand(r.stderr, 'see: ');
    expect(help).toBe('nsx --profile sandbox integrations update --help');
    const shown = await runPrinted(help, env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Usage: nsx integrations update');
  });
});
