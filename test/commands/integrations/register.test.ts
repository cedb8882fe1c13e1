// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { isolatedHome } from '../../helpers/cli.js';
import { serveHandlers } from '../../helpers/msw-loopback.js';
import { h, scratch, state, lines, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations register', () => {
  it('registers a webhook with the api key from a file, event filters and the context line first', async () => {
    const keyFile = join(scratch, 'erp.key');
    writeFileSync(keyFile, 'k-from-file-123\n', { mode: 0o600 });
    const r = await h.nsx([
      'integrations', 'register', 'erp-new', '--callback-url', 'https://erp.example.com/newstore',
      '--api-key-file', keyFile, '--events', 'order.created,order.cancelled', '--entities', 'return', '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stderr)[0]).toMatch(/^profile default · tenant sandbox · http:\/\/127\.0\.0\.1:\d+$/);
    const printed = JSON.parse(r.stdout);
    expect(printed).toMatchObject({ id: 'erp-new', status: 'running', callback_parameters: { api_key: '********' } });
    expect(r.stdout + r.stderr).not.toContain('k-from-file-123');
    const rec = state().integrations.get('erp-new')!;
    expect(rec.callback_parameters).toEqual({ callback_url: 'https://erp.example.com/newstore', api_key: 'k-from-file-123' });
    expect(rec.filter_conditions).toEqual({ events: ['order.created', 'order.cancelled'], entities: ['return'] });
    expect(rec.integration_type).toBe('permanent');
    expect(lines(readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids.d', 'default'), 'utf8'))).toContain('erp-new');
  });

  it('reads the api key from stdin or from a named environment variable', async () => {
    const piped = await h.nsx(['integrations', 'register', 'via-stdin', '--callback-url', 'https://a.example.com/h', '--api-key-stdin'], {
      input: 'k-stdin-456\n',
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/registered via-stdin \(running\): events go to a\.example\.com/);
    expect(state().integrations.get('via-stdin')!.callback_parameters!.api_key).toBe('k-stdin-456');

    const env = await h.nsx(['integrations', 'register', 'via-env', '--callback-url', 'https://b.example.com/h', '--api-key-env', 'ERP_KEY'], {
      env: { ERP_KEY: 'k-env-789' },
    });
    expect(env.code, env.stderr).toBe(0);
    expect(state().integrations.get('via-env')!.callback_parameters!.api_key).toBe('k-env-789');
  });

  it('registers an S3 export with keys from an AWS credentials file, and a temporary one from relative dates', async () => {
    const creds = join(scratch, 'aws-credentials');
    writeFileSync(creds, '[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = nope\n[default]\naws_access_key_id = AKIATEST\naws_secret_access_key = s3cr3t-aws\n', { mode: 0o600 });
    const s3 = await h.nsx(['integrations', 'register', 'archive-2', '--s3-bucket', 'acme-archive', '--s3-prefix', 'ns/', '--s3-region', 'eu-central-1', '--aws-credentials-file', creds]);
    expect(s3.code).toBe(0);
    expect(state().integrations.get('archive-2')!.s3_parameters).toEqual({
      aws_access_key_id: 'AKIATEST', aws_secret_access_key: 's3cr3t-aws', aws_region: 'eu-central-1', bucket: 'acme-archive', key_prefix: 'ns/',
    });

    const before = Date.now();
    const temp = await h.nsx(['integrations', 'register', 'erp-test', '--callback-url', 'http://localhost:9/hook', '--starts-at', '2h', '--ends-at', '1d']);
    expect(temp.code, temp.stderr).toBe(0);
    const rec = state().integrations.get('erp-test')!;
    expect(rec.integration_type).toBe('temporary');
    // --starts-at 2h looks back, --ends-at 1d looks ahead.
    expect(Date.parse(rec.starts_at!)).toBeGreaterThanOrEqual(before - 2 * 3600_000 - 1000);
    expect(Date.parse(rec.starts_at!)).toBeLessThanOrEqual(Date.now() - 2 * 3600_000 + 1000);
    expect(Date.parse(rec.ends_at!)).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
  });

  it('refuses an id that exists (exit 7) and leaves it alone', async () => {
    const r = await h.nsx(['integrations', 'register', 'erp-orders', '--callback-url', 'https://x.example.com/h']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/^error: an integration "erp-orders" already exists$/m);
    expect(state().integrations.get('erp-orders')!.callback_parameters!.callback_url).toContain('/erp');
  });

  it('refuses a 26th integration before sending it (exit 7), naming stopped ones to delete', async () => {
    for (let i = state().integrations.size; i < 25; i++) await h.admin('POST', '/_sandbox/seed', { integration_id: `filler-${i}` });
    expect(state().integrations.size).toBe(25);
    const r = await h.nsx(['integrations', 'register', 'one-too-many', '--callback-url', 'https://x.example.com/h']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/NewStore allows at most 25 integrations \(stopped and temporary ones count\) and 25 exist: nothing was registered/);
    expect(r.stderr).toMatch(/delete one first with nsx integrations delete ID \(stopped ones: erp-orders, /);
    expect(state().integrations.has('one-too-many')).toBe(false);
  });

  it("explains NewStore's 409 when the limit is reached between the check and the registration", async () => {
    const api = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-123456789', expires_in: 300 })),
      http.get('*/api/v1/org/integrations/eventstream', () => HttpResponse.json({ integrations: [] })),
      http.post('*/api/v1/org/integrations/eventstream', () =>
        HttpResponse.json({ title: 'Conflict', status: 409, detail: 'at most 25 integrations may exist' }, { status: 409, headers: { 'content-type': 'application/problem+json' } }),
      ),
    ]);
    const home = isolatedHome();
    try {
      const r = await runNsxInProcess(['integrations', 'register', 'racy', '--callback-url', 'https://x.example.com/h'], {
        env: { ...home.env, NSX_BASE_URL: api.url, NSX_TOKEN_URL: `${api.url}/token`, NSX_CLIENT_ID: 'c', NSX_CLIENT_SECRET: 's' },
      });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(/NewStore refused "racy" \(409\): the id exists or the 25-integration limit was reached meanwhile \(at most 25 integrations may exist\)/);
      expect(api.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/eventstream'))).toHaveLength(1);
    } finally {
      home.cleanup();
      await api.close();
    }
  });
});

describe('key file permissions', () => {
  it('warns when the api key file is readable by others', async () => {
    const keyFile = join(scratch, 'open.key');
    writeFileSync(keyFile, 'k-open');
    chmodSync(keyFile, 0o644);
    const r = await h.nsx(['integrations', 'register', 'open-key', '--callback-url', 'https://x.example.com/h', '--api-key-file', keyFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: ${keyFile} can be read by other users \\(mode 644\\): chmod 600`));
    expect(existsSync(keyFile)).toBe(true);
  });
});
