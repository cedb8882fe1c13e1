// One test per delivery rule of contract §3, with the real demo receiver on loopback at a high time scale.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../../src/sandbox/index.js';
import { EVENTSTREAM, startTestSandbox, webhook, type TestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';

let t: TestSandbox | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function integration(id: string) {
  return (await t!.api('GET', `${EVENTSTREAM}/${id}`)).body;
}
async function logsOf(id: string): Promise<{ level: string; message: string; event_name?: string; status_code?: number }[]> {
  return (await t!.api('GET', `${EVENTSTREAM}/${id}/logs?count=200`)).body.logs;
}
async function rejectedOf(id: string) {
  return (await t!.api('GET', `${EVENTSTREAM}/${id}/rejected_events?count=200`)).body.rejected_events as any[];
}
function deliveries(path: string) {
  return t!.sb.receiver!.log.filter((d) => d.path === path);
}

describe('webhook delivery', () => {
  it('filters by filter_conditions, sends Bearer api_key and the documented body', async () => {
    t = await startTestSandbox();
    const url = t.sb.receiverUrl!;
    await t.api('POST', EVENTSTREAM, webhook('by-entity', `${url}/entity`, { filter_conditions: { entities: ['fulfillment_request'] } }));
    await t.api('POST', EVENTSTREAM, webhook('by-name', `${url}/name`, { filter_conditions: { events: ['order.created', 'invoice.created'] } }));
    await t.api('POST', EVENTSTREAM, webhook('everything', `${url}/all`));
    const bodies: any[] = [];
    const own = await startReceiver({ rule: 'accept-all' });
    // A second receiver of our own that keeps the raw bodies.
    const { createServer } = await import('node:http');
    const raw = createServer((req, res) => {
      let s = '';
      req.on('data', (c) => (s += c));
      req.on('end', () => {
        bodies.push({ headers: req.headers, body: JSON.parse(s) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    const rawUrl = `http://127.0.0.1:${(raw.address() as { port: number }).port}/hook`;
    await t.api('POST', EVENTSTREAM, webhook('raw', rawUrl));
    const emitted = (await t.admin('POST', '/_sandbox/emit', { count: 60 })).body;
    expect(emitted.emitted).toBe(60);
    await waitFor(() => deliveries('/all').length >= 60 && bodies.length >= 60, 5000, 'all deliveries');
    await waitFor(async () => t!.sb.state.integrations.get('by-name')!.internal.cursor === emitted.last_seq + 1, 5000, 'by-name to catch up');
    await waitFor(async () => t!.sb.state.integrations.get('by-entity')!.internal.cursor === emitted.last_seq + 1, 5000, 'by-entity to catch up');
    const names = emitted.events.map((e: { name: string }) => e.name) as string[];
    expect(deliveries('/entity').map((d) => d.name).sort()).toEqual(names.filter((n) => n.startsWith('fulfillment_request.')).sort());
    expect(deliveries('/name').map((d) => d.name).sort()).toEqual(names.filter((n) => n === 'order.created' || n === 'invoice.created').sort());
    expect(deliveries('/all').every((d) => d.authorization === 'Bearer key-everything')).toBe(true);
    const first = bodies[0];
    expect(first.headers.authorization).toBe('Bearer key-raw');
    expect(first.headers['content-type']).toBe('application/json');
    expect(Object.keys(first.body).sort()).toEqual(['idempotency_key', 'name', 'payload', 'published_at', 'tenant']);
    expect(first.body.tenant).toBe('sandbox');
    expect(typeof first.body.payload.id).toBe('string');
    expect(new Set(bodies.map((b) => `${b.body.name}|${b.body.idempotency_key}`)).size).toBe(60);
    raw.close();
    await own.close();
  });

  it('delivers some events twice (same idempotency key) and swaps neighbours at times', async () => {
    t = await startTestSandbox({ duplicateProbability: 0.5, reorderProbability: 1 });
    await t.api('POST', EVENTSTREAM, webhook('dupes', `${t.sb.receiverUrl}/d`));
    const emitted = (await t.admin('POST', '/_sandbox/emit', { count: 40 })).body;
    await waitFor(() => t!.sb.state.integrations.get('dupes')!.internal.cursor === emitted.last_seq + 1, 5000, 'catch up');
    const log = deliveries('/d');
    const keys = log.map((d) => `${d.name}|${d.idempotency_key}`);
    expect(new Set(keys).size).toBe(40); // every event arrived...
    expect(keys.length).toBeGreaterThan(40); // ...some of them twice
    const order = log.map((d) => Number(d.event_id!.slice(4)));
    const unique = order.filter((seq, i) => order.indexOf(seq) === i);
    expect(unique).not.toEqual([...unique].sort((a, b) => a - b)); // not in publication order
  });

  it('2xx is accepted; 400 stores a rejected event and the stream goes on', async () => {
    t = await startTestSandbox();
    t.sb.receiver!.setRule('reject-events:order.cancelled');
    await t.api('POST', EVENTSTREAM, webhook('rej', `${t.sb.receiverUrl}/r`));
    await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'order.cancelled' }, { name: 'order.opened' }, { name: 'order.completed' }] });
    await waitFor(() => deliveries('/r').length >= 4, 5000, 'four deliveries');
    expect(deliveries('/r').map((d) => [d.name, d.status])).toEqual([
      ['order.created', 200],
      ['order.cancelled', 400],
      ['order.opened', 200],
      ['order.completed', 200],
    ]);
    const rejected = await rejectedOf('rej');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ attempts: 1, event: { name: 'order.cancelled', tenant: 'sandbox' }, response: { status_code: 400, body: { error: 'rejected' } } });
    expect(Date.parse(rejected[0].rejected_at)).not.toBeNaN();
    expect((await integration('rej')).status).toBe('running');
    const logs = await logsOf('rej');
    expect(logs[0]).toMatchObject({ level: 'warning', event_name: 'order.cancelled', status_code: 400 });
  });

  it('stops at the rejected-events limit with a log entry saying why, and again at the next rejection', async () => {
    t = await startTestSandbox({ rejectedLimit: 3 });
    t.sb.receiver!.setRule('reject-events:order.*');
    await t.api('POST', EVENTSTREAM, webhook('lim', `${t.sb.receiverUrl}/l`));
    await t.admin('POST', '/_sandbox/emit', { events: [1, 2, 3, 4, 5].map(() => ({ name: 'order.created' })) });
    await waitFor(async () => (await integration('lim')).status === 'stopped', 5000, 'the stop');
    expect(await rejectedOf('lim')).toHaveLength(3);
    expect(deliveries('/l')).toHaveLength(3);
    const [last] = await logsOf('lim');
    expect(last!.level).toBe('error');
    expect(last!.message).toMatch(/rejected/);
    expect(last!.message).toMatch(/limit/);
    // Started again without handling its rejected events: it stops at the next rejection, and the event is kept for later.
    await t.api('POST', `${EVENTSTREAM}/lim/_start`);
    await waitFor(async () => (await integration('lim')).status === 'stopped' && deliveries('/l').length === 4, 5000, 'the second stop');
    expect(await rejectedOf('lim')).toHaveLength(3);
    const fourth = deliveries('/l')[3]!;
    // Handle the rejected events (fix the receiver, retry them) and start: the held event comes first, then the rest.
    t.sb.receiver!.setRule('accept-all');
    for (const r of await rejectedOf('lim')) expect((await t.api('POST', `${EVENTSTREAM}/lim/rejected_events/${r.id}/_retry`)).body.delivered).toBe(true);
    await t.api('POST', `${EVENTSTREAM}/lim/_start`);
    await waitFor(() => deliveries('/l').filter((d) => d.status === 200).length >= 3 + 2, 5000, 'the backlog');
    const after = deliveries('/l').slice(7);
    expect(after[0]!.event_id).toBe(fourth.event_id);
    expect((await integration('lim')).status).toBe('running');
  });

  it('other answers: 10 attempts with back-off, then a stop with a log entry; _start resumes from that event', async () => {
    t = await startTestSandbox({ timeScale: 2_000 });
    t.sb.receiver!.setRule('fail-all');
    await t.api('POST', EVENTSTREAM, webhook('fail', `${t.sb.receiverUrl}/f`));
    const emitted = (await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'order.opened' }] })).body;
    await waitFor(async () => (await integration('fail')).status === 'stopped', 10_000, 'the stop');
    const attempts = deliveries('/f');
    expect(attempts).toHaveLength(10);
    expect(new Set(attempts.map((d) => d.event_id))).toEqual(new Set([emitted.events[0].id]));
    // Exponential back-off: gap k is base * 2^k (1200 s / 511 = 2.35 s base at time scale 1, 1.17 ms here).
    // The small gaps are at the mercy of the timer on a busy machine, so the check is on the large ones:
    // the last is at least its due time, and three gaps earlier it was at most about an eighth of that.
    const base = 1_200_000 / 511 / 2_000;
    const gaps = attempts.slice(1).map((d, i) => d.start - attempts[i]!.end);
    expect(gaps[8]!).toBeGreaterThan(256 * base * 0.95);
    expect(gaps[8]!).toBeGreaterThan(gaps[5]! * 3);
    const total = attempts[9]!.start - attempts[0]!.start;
    expect(total).toBeGreaterThan((1_200_000 / 2_000) * 0.9);
    const [stop, ...rest] = await logsOf('fail');
    expect(stop).toMatchObject({ level: 'error', event_name: 'order.created', status_code: 503 });
    expect(stop!.message).toMatch(/delivery failures/);
    expect(stop!.message).toMatch(/HTTP 503/);
    expect(rest.some((l) => l.level === 'warning' && /failed \(HTTP 503\)/.test(l.message))).toBe(true);
    t.sb.receiver!.setRule('accept-all');
    await t.api('POST', `${EVENTSTREAM}/fail/_start`);
    await waitFor(() => deliveries('/f').length >= 12, 5000, 'the resumed deliveries');
    expect(deliveries('/f').slice(10).map((d) => [d.event_id, d.status])).toEqual([
      [emitted.events[0].id, 200],
      [emitted.events[1].id, 200],
    ]);
    expect((await logsOf('fail'))[0]!.message).toMatch(/started by the user; delivery resumes at order.created/);
  });

  it('a timeout and a refused connection count as failures too', async () => {
    t = await startTestSandbox({ timeScale: 1_000_000, deliveryTimeoutMs: 100 });
    t.sb.receiver!.setRule('accept-all', 400);
    await t.api('POST', EVENTSTREAM, webhook('slow', `${t.sb.receiverUrl}/slow`));
    const closed = await startReceiver();
    const deadUrl = `${closed.url}/gone`;
    await closed.close();
    await t.api('POST', EVENTSTREAM, webhook('refused', deadUrl));
    await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }] });
    await waitFor(async () => (await integration('refused')).status === 'stopped', 5000, 'refused to stop');
    expect((await logsOf('refused'))[0]!.message).toMatch(/ECONNREFUSED/);
    await waitFor(async () => (await integration('slow')).status === 'stopped', 10_000, 'slow to stop');
    const [stop] = await logsOf('slow');
    expect(stop!.message).toMatch(/delivery failures.*timeout after 100 ms/);
    expect(stop!.status_code).toBeUndefined();
  });

  it('a stop by the user during back-off keeps the event for the next start', async () => {
    t = await startTestSandbox({ timeScale: 100 });
    t.sb.receiver!.setRule('fail-all');
    await t.api('POST', EVENTSTREAM, webhook('userstop', `${t.sb.receiverUrl}/u`));
    const ev = (await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }] })).body.events[0];
    await waitFor(() => deliveries('/u').length >= 2, 5000, 'two attempts');
    await t.api('POST', `${EVENTSTREAM}/userstop/_stop`);
    const n = deliveries('/u').length;
    t.sb.receiver!.setRule('accept-all');
    await new Promise((r) => setTimeout(r, 150));
    expect(deliveries('/u')).toHaveLength(n); // nothing while stopped
    await t.api('POST', `${EVENTSTREAM}/userstop/_start`);
    await waitFor(() => deliveries('/u').some((d) => d.status === 200), 5000, 'the delivery');
    expect(deliveries('/u').at(-1)!.event_id).toBe(ev.id);
  });
});

describe('temporary and S3 integrations', () => {
  it('a temporary integration replays the events of its window, then stops by itself', async () => {
    t = await startTestSandbox();
    const before = (await t.admin('POST', '/_sandbox/emit', { count: 5, events: 'order.created' })).body;
    await new Promise((r) => setTimeout(r, 20));
    const startsAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const inside = (await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'invoice.created' }, { name: 'order.completed' }] })).body;
    await new Promise((r) => setTimeout(r, 20));
    const endsAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await t.admin('POST', '/_sandbox/emit', { count: 5 });
    expect(before.emitted).toBe(5);
    const reg = await t.api('POST', EVENTSTREAM, webhook('replay', `${t.sb.receiverUrl}/replay`, { starts_at: startsAt, ends_at: endsAt, filter_conditions: { entities: ['order'] } }));
    expect(reg.status).toBe(201);
    expect(reg.body.integration_type).toBe('temporary');
    await waitFor(async () => (await integration('replay')).status === 'stopped', 5000, 'the replay to finish');
    expect(deliveries('/replay').map((d) => d.event_id)).toEqual([inside.events[0].id, inside.events[2].id]);
    const [last] = await logsOf('replay');
    expect(last!.message).toMatch(/temporary integration finished/);
  });

  it('a temporary integration whose window is still open waits for live events until ends_at', async () => {
    t = await startTestSandbox();
    const endsAt = new Date(Date.now() + 400).toISOString();
    await t.api('POST', EVENTSTREAM, webhook('live', `${t.sb.receiverUrl}/live`, { starts_at: new Date().toISOString(), ends_at: endsAt }));
    const ev = (await t.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }] })).body.events[0];
    await waitFor(() => deliveries('/live').length === 1, 2000, 'the live event');
    expect((await integration('live')).status).toBe('running');
    await waitFor(async () => (await integration('live')).status === 'stopped', 3000, 'the window end');
    expect(deliveries('/live')[0]!.event_id).toBe(ev.id);
  });

  it('an S3 integration writes NDJSON batches into the bucket folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsx-s3-test-'));
    try {
      t = await startTestSandbox({ s3Dir: dir, timeScale: 10_000 });
      await t.api('POST', EVENTSTREAM, {
        id: 'archive',
        s3_parameters: { aws_access_key_id: 'AKIA', aws_secret_access_key: 'secret', aws_region: 'us-east-1', bucket: 'my-bucket', key_prefix: 'events/' },
      });
      const emitted = (await t.admin('POST', '/_sandbox/emit', { count: 25 })).body;
      const files = await waitFor(() => {
        const found: string[] = [];
        const walk = (d: string): void => {
          for (const f of readdirSync(d)) {
            const p = join(d, f);
            if (statSync(p).isDirectory()) walk(p);
            else if (f.endsWith('.ndjson')) found.push(p);
          }
        };
        walk(join(dir, 'my-bucket'));
        const lines = found.flatMap((f) => readFileSync(f, 'utf8').trim().split('\n'));
        return lines.length >= 25 ? { found, lines } : null;
      }, 5000, 'the S3 files');
      const rel = files.found[0]!.slice(dir.length + 1);
      expect(rel).toMatch(/^my-bucket\/events\/\d{4}\/\d{2}\/\d{2}\/archive-\d{8}T\d{9}Z-\d+\.ndjson$/);
      const parsed = files.lines.map((l) => JSON.parse(l));
      expect(parsed.map((p) => p.idempotency_key).sort()).toEqual(t.sb.state.events.map((e) => e.idempotency_key).sort());
      expect(parsed[0]).toMatchObject({ tenant: 'sandbox', name: emitted.events[0].name });
    } finally {
      await t?.close();
      t = null;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
