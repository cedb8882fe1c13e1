// nsx integrations update, in-process, against the sandbox (update-sandbox.ts) and against a loopback
// NewStore that behaves differently; what the server holds and received afterwards.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { isolatedHome } from '../../helpers/cli.js';
import { serveHandlers } from '../../helpers/msw-loopback.js';
import { printedCommand, runPrintedInProcess } from '../../helpers/printed.js';
import { h, received, state, snapshot, keyFile, patches, useUpdateSandbox } from './update-sandbox.js';

useUpdateSandbox();

describe('integrations update', () => {
  it('rotates the api key from a file: only the key changes, the output masks it, and the next delivery carries it', async () => {
    const before = state().integrations.get('wms-fulfillment')!;
    const url = before.callback_parameters!.callback_url;
    const r = await h.nsx(['integrations', 'update', 'wms-fulfillment', '--api-key-file', keyFile('new.key', 'rotated-key-2026-abc'), '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'wms-fulfillment', callback_parameters: { callback_url: url, api_key: '********' } });
    expect(r.stderr).toMatch(/^ {2}api_key +\*{8} -> \*{8} \(new key\)$/m);
    expect(r.stdout + r.stderr).not.toContain('rotated-key-2026-abc');
    expect(patches()).toEqual(['PATCH /api/v1/org/integrations/eventstream/wms-fulfillment']);
    const after = state().integrations.get('wms-fulfillment')!;
    expect(after.callback_parameters).toEqual({ callback_url: url, api_key: 'rotated-key-2026-abc' });
    expect(after.filter_conditions).toEqual(before.filter_conditions);
    expect(after.status).toBe('running');

    await h.admin('DELETE', '/_sandbox/receiver/log');
    await h.admin('POST', '/_sandbox/emit', { count: 1, names: 'fulfillment_request.assigned' });
    const deadline = Date.now() + 10_000;
    let deliveries: Array<{ path: string; authorization: string | null }> = [];
    while (!deliveries.some((d) => d.path === '/wms')) {
      if (Date.now() > deadline) throw new Error('no delivery to /wms');
      await new Promise((resolve) => setTimeout(resolve, 50));
      deliveries = (await h.admin<{ deliveries: typeof deliveries }>('GET', '/_sandbox/receiver/log')).deliveries;
    }
    expect(deliveries.find((d) => d.path === '/wms')!.authorization).toBe('Bearer rotated-key-2026-abc');
  });

  it('changes the callback URL, the key from stdin and the filter together; says what changed', async () => {
    const r = await h.nsx(
      ['integrations', 'update', 'erp-orders', '--callback-url', 'https://erp2.example.com/newstore', '--api-key-stdin', '--events', 'order.created,order.cancelled', '--yes'],
      { input: 'stdin-key-77\n' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ {2}callback_url +http:\/\/127\.0\.0\.1:\d+\/erp -> https:\/\/erp2\.example\.com\/newstore$/m);
    expect(r.stderr).toMatch(/^ {2}filter +entities order -> events order\.created, order\.cancelled$/m);
    expect(r.stderr).toMatch(/updated erp-orders: callback_url, api_key, filter changed/);
    const rec = state().integrations.get('erp-orders')!;
    expect(rec.callback_parameters).toEqual({ callback_url: 'https://erp2.example.com/newstore', api_key: 'stdin-key-77' });
    expect(rec.filter_conditions).toEqual({ events: ['order.created', 'order.cancelled'] });
    expect(state().logs.get('erp-orders')!.at(-1)!.message).toBe('integration updated: callback_url, api_key, filter_conditions changed');
  });

  it('takes the key from an environment variable; values it already has are not sent', async () => {
    const same = await h.nsx(['integrations', 'update', 'erp-orders', '--api-key-env', 'ERP_KEY', '--entities', 'order', '--yes'], { env: { ERP_KEY: 'demo-erp-key' } });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/erp-orders already has these values: nothing to change/);
    expect(patches()).toEqual([]);

    const r = await h.nsx(['integrations', 'update', 'erp-orders', '--api-key-env', 'ERP_KEY', '--yes'], { env: { ERP_KEY: 'env-key-2' } });
    expect(r.code, r.stderr).toBe(0);
    expect(state().integrations.get('erp-orders')!.callback_parameters!.api_key).toBe('env-key-2');
  });

  it('without a terminal and without --yes: exit 3, nothing changed, no PATCH', async () => {
    const before = snapshot('erp-orders');
    const r = await h.nsx(['integrations', 'update', 'erp-orders', '--callback-url', 'https://erp2.example.com/x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: confirmation needed and no terminal to ask in: pass --yes to go ahead$/m);
    expect(patches()).toEqual([]);
    expect(snapshot('erp-orders')).toBe(before);
  });

  it.each([
    [['erp-orders'], /nothing to change: give --callback-url URL/],
    [['erp-orders', '--api-key', 'in-argv-secret'], /--api-key takes no value on the command line/],
    [['erp-orders', '--api-key-env', 'NOT_SET_ANYWHERE'], /the environment variable NOT_SET_ANYWHERE is not set/],
    [['erp-orders', '--api-key-env', 'A', '--api-key-stdin'], /give the api key one way/],
    [['erp-orders', '--api-key-file', '/nonexistent/key'], /--api-key-file: cannot read \/nonexistent\/key: no such file/],
    [['erp-orders', '--callback-url', 'http://erp.example.com/hook'], /--callback-url/],
    [['erp-orders', '--callback-url', 'https://user:pw@erp.example.com/hook'], /must not carry a user or password/],
    [['erp-orders', '--events', 'order.*'], /--events: "order\.\*" is not an event name/],
    [['erp-orders', '--entities', 'Order!'], /--entities: "Order!" is not an entity name/],
    [['bad id!', '--entities', 'order'], /integration id "bad id!" is not valid/],
  ])('refuses %j with exit 2 and sends nothing', async (args, message) => {
    const before = snapshot('erp-orders');
    const r = await h.nsx(['integrations', 'update', ...args, '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('in-argv-secret');
    expect(received).toEqual([]); // not even a token call
    expect(snapshot('erp-orders')).toBe(before);
  });

  it('the hint of "nothing to change" runs as printed', async () => {
    const r = await h.nsx(['integrations', 'update', 'erp-orders']);
    expect(r.code).toBe(2);
    const help = await runPrintedInProcess(printedCommand(r.stderr, 'see: '), h.env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Rotating the api key without losing events');
  });

  it('an unknown id is exit 5 and an S3 export refuses webhook flags (exit 2): no PATCH either way', async () => {
    const unknown = await h.nsx(['integrations', 'update', 'no-such', '--entities', 'order', '--yes']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/integration "no-such" does not exist/);
    const before = snapshot('s3-archive');
    const s3 = await h.nsx(['integrations', 'update', 's3-archive', '--callback-url', 'https://erp.example.com/x', '--yes']);
    expect(s3.code).toBe(2);
    expect(s3.stderr).toMatch(/s3-archive is an S3 export: --callback-url and --api-key-\* apply to webhooks/);
    expect(patches()).toEqual([]);
    expect(snapshot('s3-archive')).toBe(before);
    // Its filter can change.
    const filter = await h.nsx(['integrations', 'update', 's3-archive', '--entities', 'order', '--yes']);
    expect(filter.code, filter.stderr).toBe(0);
    expect(state().integrations.get('s3-archive')!.filter_conditions).toEqual({ entities: ['order'] });
  });
});

describe('integrations update against a NewStore that replaces callback_parameters whole', () => {
  it('sends only the key; when the URL is lost it says so, and the printed command sets URL and key again', async () => {
    const stored: Record<string, any> = {
      id: 'erp',
      status: 'running',
      callback_parameters: { callback_url: 'https://erp.example.com/hook', api_key: 'old-key-1' },
    };
    const server = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-abc-123456', expires_in: 300 })),
      http.get('*/api/v1/org/integrations/eventstream/erp', () => HttpResponse.json(stored)),
      http.patch('*/api/v1/org/integrations/eventstream/erp', async ({ request }) => {
        Object.assign(stored, await request.json()); // a shallow merge: callback_parameters replaced whole
        return HttpResponse.json(stored);
      }),
    ]);
    const home = isolatedHome();
    const env = { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_TENANT: 'acme', NSX_CLIENT_ID: 'id', NSX_CLIENT_SECRET: 'secret-xyz' };
    try {
      const r = await runNsxInProcess(['integrations', 'update', 'erp', '--api-key-env', 'K', '--yes'], { env: { ...env, K: 'new-key-2' } });
      expect(r.code, r.stderr).toBe(0);
      const patch = server.requests.filter((q) => q.method === 'PATCH');
      expect(patch.map((q) => JSON.parse(q.body))).toEqual([{ callback_parameters: { api_key: 'new-key-2' } }]);
      expect(r.stderr).toMatch(/warning: erp no longer shows its callback URL https:\/\/erp\.example\.com\/hook \(now: none\)/);
      const again = await runPrintedInProcess(printedCommand(r.stderr, 'Set both again with: '), { ...env, K: 'new-key-2' });
      expect(again.code, again.stderr).toBe(0);
      const both = { callback_url: 'https://erp.example.com/hook', api_key: 'new-key-2' };
      expect(JSON.parse(server.requests.filter((q) => q.method === 'PATCH').at(-1)!.body)).toEqual({ callback_parameters: both });
      expect(stored.callback_parameters).toEqual(both);
      expect(again.stderr).not.toMatch(/warning/);
    } finally {
      await server.close();
      home.cleanup();
    }
  });

  it('a NewStore that ignores the change: exit 1 naming what it shows, and the printed check runs', async () => {
    const stored = { id: 'erp', status: 'running', callback_parameters: { callback_url: 'https://erp.example.com/hook' } };
    const server = await serveHandlers([
      http.post('*/token', () => HttpResponse.json({ access_token: 'tok-abc-123456', expires_in: 300 })),
      http.get('*/api/v1/org/integrations/eventstream/erp', () => HttpResponse.json(stored)),
      http.patch('*/api/v1/org/integrations/eventstream/erp', () => HttpResponse.json(stored)),
    ]);
    const home = isolatedHome();
    const env = { ...home.env, NSX_BASE_URL: server.url, NSX_TOKEN_URL: `${server.url}/token`, NSX_TENANT: 'acme', NSX_CLIENT_ID: 'id', NSX_CLIENT_SECRET: 'secret-xyz' };
    try {
      const r = await runNsxInProcess(['integrations', 'update', 'erp', '--callback-url', 'https://erp2.example.com/hook', '--yes'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: NewStore accepted the update but erp still shows callback_url https:\/\/erp\.example\.com\/hook, not https:\/\/erp2\.example\.com\/hook$/m);
      const check = await runPrintedInProcess(printedCommand(r.stderr, 'check it with: '), env);
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).toMatch(/^callback url +https:\/\/erp\.example\.com\/hook$/m);
    } finally {
      await server.close();
      home.cleanup();
    }
  });
});
