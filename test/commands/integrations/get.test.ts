// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { describe, expect, it } from 'vitest';
import { h, lines, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations get', () => {
  it('shows one integration with the api key masked, in every mode; --show-secrets reveals it', async () => {
    const human = await h.nsx(['integrations', 'get', 'erp-orders']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^status\s+stopped$/m);
    expect(human.stdout).toMatch(/^api key\s+\*{8}$/m);
    expect(human.stdout).toMatch(/^filter\s+entities order$/m);

    const masked = JSON.parse((await h.nsx(['integrations', 'get', 's3-archive', '--json'])).stdout);
    expect(masked.s3_parameters).toMatchObject({ aws_access_key_id: 'AKIASANDBOXDEMO00001', aws_secret_access_key: '********' });

    const shown = await h.nsx(['integrations', 'get', 'erp-orders', '--show-secrets', '--output', 'ndjson']);
    expect(lines(shown.stdout)).toHaveLength(1);
    expect(JSON.parse(shown.stdout).callback_parameters.api_key).toBe('demo-erp-key');
  });

  it('says an unknown id does not exist (exit 5)', async () => {
    const r = await h.nsx(['integrations', 'get', 'no-such-thing']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^error: integration "no-such-thing" does not exist in tenant sandbox$/m);
    expect(r.stdout).toBe('');
  });
});
