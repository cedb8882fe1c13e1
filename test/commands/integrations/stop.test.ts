// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { describe, expect, it } from 'vitest';
import { h, state, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations start and stop', () => {
  it('without a terminal, stop needs --yes (exit 3 naming it) and says that events stop flowing to its destination', async () => {
    const refused = await h.nsx(['integrations', 'stop', 'wms-fulfillment']);
    expect(refused.code, refused.stderr).toBe(3);
    const host = new URL(state().integrations.get('wms-fulfillment')!.callback_parameters!.callback_url).host;
    expect(refused.stderr).toContain(`Stopping wms-fulfillment halts the events flowing to ${host} until someone runs: nsx integrations start wms-fulfillment`);
    expect(refused.stderr).toMatch(/^error: .*pass --yes/m);
    expect(state().integrations.get('wms-fulfillment')!.status).toBe('running');

    const done = await h.nsx(['integrations', 'stop', 'wms-fulfillment', '--yes', '--output', 'ndjson']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ id: 'wms-fulfillment', status: 'stopped' });
    expect(state().integrations.get('wms-fulfillment')!.status).toBe('stopped');
  });
});
