// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { describe, expect, it } from 'vitest';
import { h, state, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations start and stop', () => {
  it('starts a stopped integration, warns about its waiting rejected events, and does nothing for a running one', async () => {
    const r = await h.nsx(['integrations', 'start', 'erp-orders']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/started erp-orders: delivery to 127\.0\.0\.1:\d+ resumes where it stopped/);
    expect(r.stderr).toMatch(/warning: erp-orders has rejected events waiting/);
    expect(state().integrations.get('erp-orders')!.status).toBe('running');

    const again = await h.nsx(['integrations', 'start', 'wms-fulfillment', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'wms-fulfillment', status: 'running' });
    expect(again.stderr).not.toMatch(/started/);
  });
});
