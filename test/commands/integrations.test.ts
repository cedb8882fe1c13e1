// nsx integrations end to end: the built CLI against the sandbox (demo scenario), every verb and output
// mode, the server's state afterwards, confirmations with and without a terminal, and the delete export.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isolatedHome, runNsx } from '../helpers/cli.js';
import { serveHandlers } from '../helpers/msw-loopback.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { nsxInTerminal } from './tty.js';

let h: SandboxHarness;
let scratch: string;
const state = () => h.sandbox.core.state;
const DEMO_IDS = ['erp-orders', 'wms-fulfillment', 's3-archive', 'replay-2026-11-20'];

beforeAll(async () => {
  h = await sandboxHarness({ scenario: 'demo' });
  scratch = mkdtempSync(join(tmpdir(), 'nsx-integrations-'));
});
afterAll(async () => {
  await h.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  await h.admin('POST', '/_sandbox/reset', {});
});

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('integrations list', () => {
  it('prints id, status, type, destination, starts_at, ends_at as tsv when piped, and remembers the ids for completion', async () => {
    const r = await h.nsx(['integrations', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => l.split('\t'));
    expect(rows.map((c) => c[0])).toEqual(DEMO_IDS);
    const erp = rows.find((c) => c[0] === 'erp-orders')!;
    expect(erp.slice(1, 3)).toEqual(['stopped', 'permanent']);
    // NewStore's documented list shows a webhook with only its api_key (the sandbox answers so): no
    // destination to show, said as "-"; `integrations get` shows the host.
    expect(erp[3]).toBe('-');
    expect(erp[5]).toBe('-'); // no ends_at
    expect(rows.find((c) => c[0] === 's3-archive')![3]).toBe('s3://acme-event-archive/newstore/events/');
    expect(rows.find((c) => c[0] === 'replay-2026-11-20')!.slice(2)).toEqual([
      'temporary', expect.any(String), '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z',
    ]);
    expect(r.stdout).not.toMatch(/demo-erp-key|sandbox-demo-secret-access-key/);
    const cached = readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids'), 'utf8');
    expect(lines(cached)).toEqual(DEMO_IDS);
  });

  it('filters by --status and prints whole integrations in json and ndjson with secrets masked', async () => {
    const stopped = await h.nsx(['integrations', 'list', '--status', 'stopped', '--json']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const list = JSON.parse(stopped.stdout) as Array<Record<string, any>>;
    expect(list.map((i) => i.id)).toEqual(['erp-orders', 'replay-2026-11-20']);
    expect(list[0]!.callback_parameters).toEqual({ api_key: '********' });

    const nd = await h.nsx(['integrations', 'list', '--output', 'ndjson']);
    const objects = lines(nd.stdout).map((l) => JSON.parse(l));
    expect(objects).toHaveLength(4);
    expect(objects.find((i) => i.id === 's3-archive').s3_parameters.aws_secret_access_key).toBe('********');
    expect(nd.stdout).not.toMatch(/demo-.*-key|sandbox-demo-secret/);
  });

  it('draws an aligned table with a header in a terminal', async () => {
    const term = nsxInTerminal(['integrations', 'list'], h.env);
    try {
      expect(await term.exitCode()).toBe(0);
      const screen = term.screen();
      expect(screen).toMatch(/^ID\s+STATUS\s+TYPE\s+DESTINATION\s+STARTS_AT\s+ENDS_AT/m);
      expect(screen).toMatch(/^erp-orders\s+stopped\s+permanent\s+-\s+\S+\s+-$/m);
      expect(screen).not.toContain('\t');
    } finally {
      term.close();
    }
  });
});

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
    expect(lines(readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids'), 'utf8'))).toContain('erp-new');
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
      const r = await runNsx(['integrations', 'register', 'racy', '--callback-url', 'https://x.example.com/h'], {
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

  it('in a terminal, stop asks and goes ahead on "y"', async () => {
    const term = nsxInTerminal(['integrations', 'stop', 'wms-fulfillment'], h.env);
    try {
      await term.waitFor(/Stop wms-fulfillment\?/);
      expect(state().integrations.get('wms-fulfillment')!.status).toBe('running');
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
      expect(term.screen()).toMatch(/stopped wms-fulfillment/);
      expect(state().integrations.get('wms-fulfillment')!.status).toBe('stopped');
    } finally {
      term.close();
    }
  });

  it('in a terminal, answering no to stop changes nothing (exit 3)', async () => {
    const term = nsxInTerminal(['integrations', 'stop', 's3-archive'], h.env);
    try {
      await term.waitFor(/Stop s3-archive\?/);
      term.answer('n');
      expect(await term.exitCode()).toBe(3);
      expect(state().integrations.get('s3-archive')!.status).toBe('running');
    } finally {
      term.close();
    }
  });
});

describe('integrations delete', () => {
  it('without a terminal needs --yes (exit 3) and warns that logs and rejected events go with it', async () => {
    const refused = await h.nsx(['integrations', 'delete', 'erp-orders']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/also deletes its log entries and rejected events/);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(state().integrations.has('erp-orders')).toBe(true);

    const done = await h.nsx(['integrations', 'delete', 'wms-fulfillment', '--yes', '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ id: 'wms-fulfillment', deleted: true, export: null });
    expect(state().integrations.has('wms-fulfillment')).toBe(false);
  });

  it('--export writes the integration, every log entry and every rejected event first (owner-only)', async () => {
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-orders', logs: 450 }); // several pages
    const logCount = state().logs.get('erp-orders')!.length;
    const rejectedIds = state().rejected.get('erp-orders')!.map((e) => e.id);
    expect(rejectedIds).toHaveLength(100);
    const dir = join(scratch, 'export-erp');
    const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`exported ${logCount} log entries and 100 rejected events to ${dir}`));
    expect(state().integrations.has('erp-orders')).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['integration.json', 'logs.ndjson', 'rejected-events.ndjson']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const integration = JSON.parse(readFileSync(join(dir, 'integration.json'), 'utf8'));
    expect(integration).toMatchObject({ id: 'erp-orders', callback_parameters: { api_key: '********' } });
    const logs = lines(readFileSync(join(dir, 'logs.ndjson'), 'utf8')).map((l) => JSON.parse(l));
    expect(logs).toHaveLength(logCount);
    expect(new Set(logs.map((l) => l.id)).size).toBe(logCount);
    const rejected = lines(readFileSync(join(dir, 'rejected-events.ndjson'), 'utf8')).map((l) => JSON.parse(l));
    expect(rejected.map((e) => e.id)).toEqual(rejectedIds);
  });

  it('does not delete when the export fails, and leaves no half export behind', async () => {
    await h.admin('PUT', '/_sandbox/faults', { routes: { listRejectedEvents: { errorRate: 1 } } });
    try {
      const dir = join(scratch, 'export-fails');
      const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/export to .*export-fails failed, so erp-orders was NOT deleted/);
      expect(state().integrations.has('erp-orders')).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await h.admin('DELETE', '/_sandbox/faults');
    }
  });

  it('refuses an export folder that already holds an export, before anything is sent', async () => {
    const dir = join(scratch, 'export-taken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'logs.ndjson'), 'old\n');
    const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/already holds logs\.ndjson/);
    expect(state().integrations.has('erp-orders')).toBe(true);
  });

  it('in a terminal, the user types the id to delete; a wrong id deletes nothing', async () => {
    const wrong = nsxInTerminal(['integrations', 'delete', 's3-archive'], h.env);
    try {
      await wrong.waitFor(/Type s3-archive to confirm/);
      wrong.answer('s3-archiv');
      expect(await wrong.exitCode()).toBe(3);
      expect(wrong.screen()).toMatch(/nothing was changed/);
      expect(state().integrations.has('s3-archive')).toBe(true);
    } finally {
      wrong.close();
    }
    const right = nsxInTerminal(['integrations', 'delete', 's3-archive'], h.env);
    try {
      await right.waitFor(/Type s3-archive to confirm/);
      right.answer('s3-archive');
      expect(await right.exitCode()).toBe(0);
      expect(right.screen()).toMatch(/deleted s3-archive/);
      expect(state().integrations.has('s3-archive')).toBe(false);
      expect(lines(readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids'), 'utf8'))).not.toContain('s3-archive');
    } finally {
      right.close();
    }
  });
});

describe('integrations replay', () => {
  it('registers a temporary integration over the window and --wait returns when it has stopped', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all' }); // every replayed event is accepted
    try {
      const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const r = await h.nsx([
        'integrations', 'replay', '--since', since, '--until', 'now', '--callback-url', `${h.sandbox.receiverUrl}/replay`,
        '--entities', 'order', '--wait', '--interval', '200ms', '--wait-timeout', '60s', '--json',
      ]);
      expect(r.stderr).toMatch(/registered temporary integration replay-\d{4}-\d\d-\d\d: replaying events of /);
      expect(r.code, r.stderr).toBe(0);
      const finished = JSON.parse(r.stdout);
      expect(finished).toMatchObject({ status: 'stopped', integration_type: 'temporary', starts_at: since });
      const rec = state().integrations.get(finished.id)!;
      expect(rec.status).toBe('stopped');
      expect(rec.filter_conditions).toEqual({ entities: ['order'] });
      expect(r.stderr).toMatch(new RegExp(`replay ${finished.id} finished`));
    } finally {
      await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'reject-unknown-products' });
    }
  });

  it('picks a free default id and, without --wait, returns at once', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '2026-11-20', '--until', '2026-11-20T12:00:00Z', '--callback-url', 'https://erp.example.com/h', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // replay-2026-11-20 exists in the demo scenario.
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'replay-2026-11-20-2', integration_type: 'temporary', ends_at: '2026-11-20T12:00:00.000Z' });
  });

  it('--wait gives up after --wait-timeout with exit 7; the replay goes on', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '3d', '--callback-url', 'https://erp.example.com/h', '--id', 'slow-replay', '--wait', '--wait-timeout', '1ms']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/replay slow-replay is still running after .* \(--wait-timeout\)/);
    expect(state().integrations.has('slow-replay')).toBe(true);
  });

  it('--wait exits 6 when the replay stops because delivery fails', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '3d', '--callback-url', 'http://127.0.0.1:9/refused', '--id', 'broken-replay', '--wait', '--interval', '200ms']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/replay broken-replay stopped before the end of its window: stopped after 10 delivery failures/);
  });
});

describe('help', () => {
  it('every integrations verb has examples', async () => {
    for (const verb of ['list', 'get', 'register', 'start', 'stop', 'delete', 'replay']) {
      const r = await runNsx(['integrations', verb, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ nsx integrations /);
    }
  });
});

// The api key file must be a readable file: a folder or a missing path is refused (see bad-input.test.ts
// for the full table); here the warning for a key file others can read.
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
