// nsx status, in-process, against the sandbox: one line per integration, those needing a human first, and
// every exit code a monitor reads (0 all well, 6 stopped / rejected waiting / failure rate over the limit,
// 1 unreadable, 2 bad input before any request).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { call, EVENTSTREAM, getToken, webhook } from '../../helpers/sandbox.js';
import parseMetrics from 'parse-prometheus-text-format';
import { openMetricsText } from '../../../src/output/openmetrics.js';

let h: InProcessSandboxHarness;
let token: string;
const lines = (text: string) => text.split('\n').filter(Boolean);

async function register(id: string): Promise<void> {
  const r = await call(`${h.sandbox.baseUrl}${EVENTSTREAM}`, 'POST', webhook(id, `${h.sandbox.receiverUrl}/erp`), { authorization: `Bearer ${token}` });
  if (r.status !== 201) throw new Error(`register ${id}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  h = await inProcessSandbox({ scenario: 'empty', duplicateProbability: 0, reorderProbability: 0 });
  token = await getToken(h.sandbox);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.admin('DELETE', '/_sandbox/faults');
  await h.admin('POST', '/_sandbox/reset', { scenario: 'empty' });
});

type Row = { id: string; status: string; rejected: number | null; needs_attention: boolean; attention: string[]; last_error: { message: string; age_s: number } | null; last_success_at: string | null; published_last_hour: { success: number; failure: number; failure_rate: number | null }; read_error: string | null; destination: string | null };

describe('status', () => {
  it('exit 0 when every integration runs with no rejected events; figures of the last hour from the published events', async () => {
    await register('erp-a');
    await register('erp-b');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-a', published: 100, published_span_ms: 1_800_000, published_failure_rate: 0.02 });
    const r = await h.nsx(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => x.id)).toEqual(['erp-a', 'erp-b']);
    expect(rows[0]!.published_last_hour).toEqual({ success: 98, failure: 2, failure_rate: 0.02 });
    expect(Date.now() - Date.parse(rows[0]!.last_success_at!)).toBeLessThan(60_000);
    expect(rows[1]!.published_last_hour).toEqual({ success: 0, failure: 0, failure_rate: null });
    expect(rows.every((x) => !x.needs_attention && x.rejected === 0 && x.status === 'running')).toBe(true);
    expect(r.stderr).toMatch(/2 integrations: all running, no rejected events, failure rate at most 5\.0%/);
  });

  it('exit 6 for a stopped integration with rejected events waiting, listed first with its last error line and age (tsv)', async () => {
    await register('a-fine');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'z-stopped', rejected: 7, logs: 5 });
    const r = await h.nsx(['status']);
    expect(r.code, r.stderr).toBe(6);
    const rows = lines(r.stdout).map((l) => l.split('\t'));
    expect(rows.map((x) => x[0])).toEqual(['z-stopped', 'a-fine']);
    const [id, status, type, , rejected, lastError, age, , , attention] = rows[0]!;
    expect([id, status, type, rejected]).toEqual(['z-stopped', 'stopped', 'permanent', '7']);
    // The seeded log is info, warning, error, info, warning: the newest error line is entry 2.
    expect(lastError).toBe('event order.created rejected by the receiver (HTTP 400) [seed 2]');
    expect(Number(age)).toBeLessThan(60);
    expect(attention).toBe('not running (stopped); 7 rejected events waiting');
    expect(rows[1]![9]).toBe('ok');
    expect(r.stderr).toMatch(/^error: 1 of 2 integrations needs attention: z-stopped$/m);
  });

  it('exit 6 for rejected events waiting on a running integration', async () => {
    await register('erp');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp', rejected: 1 });
    const r = await h.nsx(['status', '--output', 'ndjson']);
    expect(r.code, r.stderr).toBe(6);
    const row = JSON.parse(lines(r.stdout)[0]!) as Row;
    expect(row).toMatchObject({ id: 'erp', status: 'running', rejected: 1, needs_attention: true, attention: ['1 rejected event waiting'] });
  });

  it('exit 6 when the failure rate of the last hour is over --max-failure-rate (0.05 or 5%), 0 under it', async () => {
    await register('erp');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp', published: 100, published_span_ms: 1_800_000, published_failure_rate: 0.1 });
    for (const limit of ['0.05', '5%']) {
      const r = await h.nsx(['status', '--json', '--max-failure-rate', limit]);
      expect(r.code, r.stderr).toBe(6);
      expect((JSON.parse(r.stdout) as Row[])[0]!.attention).toEqual(['failure rate 10.0% over 5.0%']);
    }
    const r = await h.nsx(['status', '--json', '--max-failure-rate', '20%']);
    expect(r.code, r.stderr).toBe(0);
    // Attempts older than the hour do not count.
    await h.admin('POST', '/_sandbox/reset', { scenario: 'empty' });
    await register('erp');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp', published: 50, published_span_ms: 86_400_000, published_failure_rate: 1 });
    const old = await h.nsx(['status', '--json']);
    const row = (JSON.parse(old.stdout) as Row[])[0]!;
    expect(row.published_last_hour.failure).toBeLessThan(50);
  });

  it('exit 1 when an integration cannot be read: every row still prints, with what could not be read', async () => {
    await register('erp-a');
    await register('erp-b');
    await h.admin('PUT', '/_sandbox/faults', { routes: { listLogs: { errorRate: 1 } } });
    const r = await h.nsx(['status', '--json'], { env: { NSX_TIMEOUT: '2s' } });
    expect(r.code, r.stderr).toBe(1);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows).toHaveLength(2);
    expect(rows.every((x) => x.read_error?.startsWith('logs: '))).toBe(true);
    expect(JSON.parse(r.stderr)).toEqual({ error: { message: 'could not read erp-a, erp-b', exit_code: 1 } });
  }, 30_000);

  it('exit 1 when the tenant cannot be read at all', async () => {
    await register('erp-a');
    await h.admin('PUT', '/_sandbox/faults', { routes: { listIntegrations: { errorRate: 1 } } });
    const r = await h.nsx(['status']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
  }, 30_000);

  it('an empty tenant: exit 0 and the hint to register, which works', async () => {
    const r = await h.nsx(['status']);
    expect(r.code, r.stderr).toBe(0);
    const hint = /nsx (integrations register ID --callback-url URL)/.exec(r.stderr);
    expect(hint, r.stderr).not.toBeNull();
    const reg = await h.nsx(hint![1]!.replace('ID', 'erp').replace('URL', `${h.sandbox.receiverUrl}/erp`).split(' '));
    expect(reg.code, reg.stderr).toBe(0);
    expect(JSON.parse((await h.nsx(['status', '--json'])).stdout)).toHaveLength(1);
  });

  it('exit 2 for a --max-failure-rate that is not a rate, before any request', async () => {
    for (const bad of ['abc', '150%', '1.5', '-1']) {
      const r = await h.nsx(['status', '--max-failure-rate', bad]);
      expect(r.code, bad).toBe(2);
      expect(lines(r.stderr)[0]).toMatch(/^error: --max-failure-rate: ".*" is not a rate from 0 to 1 \(examples: 0\.05, 5%\)$/);
      expect(r.requests).toEqual([]);
    }
  });
});

describe('status across tenants (--all-profiles, --profile a,b)', () => {
  it('reads every profile at once, one section each; a tenant that is down is shown as such, the others print, exit 1', async () => {
    const { inProcessSandbox: start } = await import('../../helpers/run-nsx-in-process.js');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const h2 = await start({ scenario: 'empty', duplicateProbability: 0, reorderProbability: 0 });
    try {
      await register('erp-a');
      const dir = h.env.NSX_CONFIG_DIR!;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const profile = (sb: typeof h.sandbox) => ({ tenant: sb.tenant, stage: 'sandbox', 'base-url': sb.baseUrl, 'token-url': sb.tokenUrl, 'client-id': sb.clientId });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: { up: profile(h.sandbox), down: profile(h2.sandbox) } }), { mode: 0o600 });
      writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ profiles: { up: { client_secret: h.sandbox.clientSecret }, down: { client_secret: h2.sandbox.clientSecret } } }), { mode: 0o600 });
      const env = { NSX_BASE_URL: undefined, NSX_TOKEN_URL: undefined, NSX_TENANT: undefined, NSX_CLIENT_ID: undefined, NSX_CLIENT_SECRET: undefined };
      // Both up: exit 0, a section per profile.
      const both = await h.nsx(['status', '--profile', 'up,down'], { env });
      expect(both.code, both.stderr).toBe(0);
      expect(lines(both.stdout).map((l) => l.split('\t').slice(0, 2))).toEqual([['up', 'erp-a']]);
      await h2.close();
      const r = await h.nsx(['status', '--all-profiles', '--json'], { env, timeoutMs: 25_000 });
      expect(r.code, r.stderr).toBe(1);
      const rows = JSON.parse(r.stdout) as Record<string, any>[];
      expect(rows[0]).toMatchObject({ tenant: 'down' });
      expect(typeof rows[0]!.error).toBe('string');
      expect(rows[1]).toMatchObject({ tenant: 'up', id: 'erp-a', status: 'running', needs_attention: false });
      expect(JSON.parse(r.stderr).error.message).toBe('could not read tenant down');
      // openmetrics: one nsx_tenant_up per profile (0 for the one down), the gauges of the one read, exit 1.
      const om = await h.nsx(['status', '--all-profiles', '-o', 'openmetrics'], { env, timeoutMs: 25_000 });
      expect(om.code, om.stderr).toBe(1);
      const families = parseMetrics(om.stdout);
      const samples = (name: string) => families.find((f) => f.name === name)!.metrics.map((m) => [m.labels, Number(m.value)]);
      expect(samples('nsx_tenant_up')).toEqual([[{ tenant: 'down' }, 0], [{ tenant: 'up' }, 1]]);
      expect(samples('nsx_integration_running')).toEqual([[{ tenant: 'up', integration: 'erp-a' }, 1]]);
      const unknown = await h.nsx(['status', '--profile', 'up,nope'], { env });
      expect(unknown.code).toBe(2);
      expect(lines(unknown.stderr)[0]).toBe('error: --profile: no profile named "nope"');
    } finally {
      await h2.close().catch(() => undefined);
    }
  }, 40_000);
});

describe('status --output openmetrics', () => {
  type Family = ReturnType<typeof parseMetrics>[number];
  const gauge = (families: Family[], name: string) => {
    const family = families.find((f) => f.name === name);
    expect(family, name).toBeDefined();
    expect(family!.type).toBe('GAUGE');
    return Object.fromEntries(family!.metrics.map((m) => [`${m.labels?.tenant}/${m.labels?.integration ?? ''}`, Number(m.value)]));
  };

  it('gauges a scraper parses: a stopped integration with rejected events and a running one; exit 6 as with a table', async () => {
    await register('a-running');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'a-running', published: 100, published_span_ms: 1_800_000, published_failure_rate: 0.02 });
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'z-stopped', rejected: 7 });
    const r = await h.nsx(['status', '-o', 'openmetrics']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout.endsWith('\n# EOF\n')).toBe(true);
    expect(r.stdout).toMatch(/^# HELP nsx_integration_running .+\n# TYPE nsx_integration_running gauge$/m);
    const families = parseMetrics(r.stdout);
    const t = h.sandbox.tenant;
    expect(gauge(families, 'nsx_tenant_up')).toEqual({ [`${t}/`]: 1 });
    expect(gauge(families, 'nsx_integration_running')).toEqual({ [`${t}/z-stopped`]: 0, [`${t}/a-running`]: 1 });
    expect(gauge(families, 'nsx_rejected_events')).toEqual({ [`${t}/z-stopped`]: 7, [`${t}/a-running`]: 0 });
    // z-stopped published nothing in the hour: no ratio rather than a made-up 0.
    expect(gauge(families, 'nsx_publish_failures_ratio')).toEqual({ [`${t}/a-running`]: 0.02 });
    expect(r.stderr).toMatch(/^error: 1 of 2 integrations needs attention: z-stopped$/m);
  });

  it('a tenant that cannot be read: nsx_tenant_up 0, exit 1', async () => {
    await h.admin('PUT', '/_sandbox/faults', { routes: { listIntegrations: { errorRate: 1 } } });
    const r = await h.nsx(['status', '--output=openmetrics'], { env: { NSX_TIMEOUT: '2s' } });
    expect(r.code, r.stderr).toBe(1);
    const families = parseMetrics(r.stdout);
    expect(gauge(families, 'nsx_tenant_up')).toEqual({ [`${h.sandbox.tenant}/`]: 0 });
    expect(families.find((f) => f.name === 'nsx_integration_running')!.metrics).toEqual([]);
    expect(lines(r.stderr).at(-1)).toMatch(/^error: could not read tenant /);
  }, 30_000);

  it('label values are escaped as the text format says: backslash, double quote, newline', () => {
    const text = openMetricsText([{ name: 'nsx_x', help: 'h', samples: [{ labels: { tenant: 'a\\b"c\nd', integration: 'i' }, value: 1 }] }]);
    expect(text).toContain('nsx_x{tenant="a\\\\b\\"c\\nd",integration="i"} 1\n');
    expect(parseMetrics(text)[0]!.metrics[0]!.labels).toEqual({ tenant: 'a\\b"c\nd', integration: 'i' });
  });

  it('every other command refuses it: one line, exit 2, no request sent', async () => {
    for (const args of [['integrations', 'list', '-o', 'openmetrics'], ['rejected', 'list', 'erp', '--output', 'openmetrics']]) {
      const r = await h.nsx(args);
      expect(r.code, r.stderr).toBe(2);
      expect(lines(r.stderr)).toEqual(['error: --output openmetrics applies only to nsx status']);
      expect(r.requests).toEqual([]);
    }
  });
});

describe('status --watch', () => {
  it('on a terminal: clears the screen and redraws the table every interval until Ctrl-C (exit 130)', async () => {
    await register('erp');
    const run = h.start(['status', '--watch', '1s'], { tty: { stdout: true, stderr: true } });
    await run.waitForStdout(/\x1b\[2J\x1b\[H[^]*erp[^]*\x1b\[2J\x1b\[H[^]*erp/, 20_000);
    run.interrupt();
    const r = await run.result;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stdout.split('\x1b[2J\x1b[H').length).toBeGreaterThanOrEqual(3);
    expect(r.stdout).toMatch(/ID\s.*STATUS/);
    expect(r.stderr).toMatch(/every 1.0s · .* · Ctrl-C to stop/);
    expect(r.requests.filter((q) => q.method === 'GET' && q.path.split('?')[0] === EVENTSTREAM).length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('without a terminal on stdout: refused in one line, exit 2, no request', async () => {
    const r = await h.nsx(['status', '--watch', '30s']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['error: --watch redraws a terminal and stdout is not one: a monitor should run nsx status from cron instead (its exit code says what needs attention)']);
    expect(r.requests).toEqual([]);
    const bad = await h.nsx(['status', '--watch', 'soon'], { tty: { stdout: true } });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)[0]).toMatch(/^error: --watch: "soon" is not a duration/);
  });
});
