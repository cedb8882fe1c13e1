// nsx events list, in-process, against the sandbox (published-sandbox.ts): every attempt of the window,
// newest first, read in slices where an answer reaches the cap; server-side and local filters; every
// output mode; bad input exit 2 before any request.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/api/routes.js';
import { attempts, BULK, BULK_COUNT, h, LIVE, lines, publishedQueries, usePublishedSandbox, type Attempt } from './published-sandbox.js';

usePublishedSandbox();

const ndjson = async (...flags: string[]): Promise<Attempt[]> => {
  const r = await h.nsx(['events', 'list', '--output', 'ndjson', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return lines(r.stdout).map((l) => JSON.parse(l) as Attempt);
};
const keyOf = (a: Attempt) => `${a.integration_id} ${a.entity_id} ${a.attempted_at} ${a.retries_remaining}`;

describe('events list', () => {
  it('streams every attempt of the last 24 hours, newest first, as tsv when piped, reading a full window again in halves', async () => {
    const r = await h.nsx(['events', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => l.split('\t'));
    const all = attempts();
    expect(all.length).toBeGreaterThan(LIMITS.publishedEventsAnswerCap);
    expect(rows.map((c) => c[0])).toEqual(all.map((a) => a.attempted_at));
    // slices: the day answered the cap, so it was read again in halves, and no answer read whole was full
    const queries = publishedQueries(r.requests);
    expect(queries.length).toBeGreaterThan(3);
    const first = queries[0]!;
    expect(Date.parse(first.get('to')!) - Date.parse(first.get('from')!)).toBe(86_400_001);
    expect(Date.parse(queries[1]!.get('from')!)).toBeGreaterThan(Date.parse(first.get('from')!)); // the newer half first
    // the columns: attempted_at, integration, event, entity, status, ms, retries left, the receiver's answer whole
    const failure = all.find((a) => a.integration_id === LIVE && a.status === 'FAILURE')!;
    const row = rows[all.indexOf(failure)]!;
    expect(row).toEqual([
      failure.attempted_at,
      LIVE,
      failure.event_name,
      `order ${failure.domain_entity_id}`,
      'FAILURE',
      String(failure.response_time_ms),
      '9',
      `400 ${JSON.stringify(failure.response.body)}`,
    ]);
    expect(row[7]!.length).toBeGreaterThan(60);
  });

  it('sends the filters the API has (one plain value, status in lower case) and applies the rest itself', async () => {
    const all = attempts();
    const run = async (...flags: string[]) => {
      const r = await h.nsx(['events', 'list', '--output', 'ndjson', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      return { got: lines(r.stdout).map((l) => keyOf(JSON.parse(l))), queries: publishedQueries(r.requests) };
    };
    const expectRun = async (flags: string[], want: (a: Attempt) => boolean, sent: Record<string, string | null>) => {
      const { got, queries } = await run(...flags);
      expect(got, flags.join(' ')).toEqual(all.filter(want).map(keyOf));
      for (const [param, value] of Object.entries(sent)) expect(queries[0]!.get(param), `${flags.join(' ')}: ${param}`).toBe(value);
    };
    await expectRun(['--integration', LIVE], (a) => a.integration_id === LIVE, { integration_id: LIVE });
    await expectRun(['--integration', 'erp-*'], (a) => a.integration_id === LIVE, { integration_id: null });
    await expectRun(['--status', 'failure'], (a) => a.status === 'FAILURE', { status: 'failure' });
    await expectRun(['--event', 'order.created'], (a) => a.event_name === 'order.created', { event_name: 'order.created' });
    await expectRun(['--event', 'order.*'], (a) => a.event_name.startsWith('order.'), { event_name: null });
    await expectRun(['--event', 'order.opened,order.completed'], (a) => ['order.opened', 'order.completed'].includes(a.event_name), { event_name: null });
    await expectRun(['--entity-type', 'fulfillment_request'], (a) => a.domain_entity_type === 'fulfillment_request', { domain_entity_type: 'fulfillment_request' });
    const one = all.find((a) => a.integration_id === BULK)!.domain_entity_id as string;
    await expectRun(['--entity-id', one], (a) => a.domain_entity_id === one, { domain_entity_id: one });
    await expectRun(['--entity-id', 'fr-*'], (a) => String(a.domain_entity_id).startsWith('fr-'), { domain_entity_id: null });
    await expectRun(['--status-code', '5xx'], (a) => a.response?.status_code >= 500, { status: null });
    await expectRun(['--status-code', '400', '--integration', LIVE], (a) => a.integration_id === LIVE && a.response?.status_code === 400, { integration_id: LIVE });
    // --since/--until: the same parser as rejected and logs; both ends included
    const since = all[120]!.attempted_at as string;
    const until = all[20]!.attempted_at as string;
    await expectRun(['--since', since, '--until', until], (a) => a.attempted_at >= since && a.attempted_at <= until, { from: since });
    const ago = await run('--since', '30m');
    const from = ago.queries[0]!.get('from')!;
    expect(Date.now() - Date.parse(from)).toBeGreaterThanOrEqual(30 * 60_000);
    expect(ago.got).toEqual(all.filter((a) => Date.parse(a.attempted_at) >= Date.parse(from)).map(keyOf));
    expect((await run('--limit', '7')).got).toEqual(all.slice(0, 7).map(keyOf));
    expect((await run('--status', 'failure', '--integration', BULK, '--limit', '3')).got).toEqual(all.filter((a) => a.status === 'FAILURE' && a.integration_id === BULK).slice(0, 3).map(keyOf));
  });

  it('prints a json array of whole attempts (the receiver\'s answer whole), and an empty one with a note when nothing matches', async () => {
    const r = await h.nsx(['events', 'list', '--json', '--integration', LIVE]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(attempts().filter((a) => a.integration_id === LIVE));
    const none = await h.nsx(['events', 'list', '--json', '--integration', 'nobody']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const human = await h.nsx(['events', 'list', '--integration', 'nobody']);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^no delivery attempts from \S+ to \S+ match$/m);
  });

  it('on a terminal: an aligned table with the receiver\'s answer cut to fit', async () => {
    const r = await h.nsx(['events', 'list', '--integration', LIVE, '--status', 'failure'], { tty: { stdout: true, columns: 200 } });
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = lines(r.stdout);
    expect(header!.split(/\s{2,}/)).toEqual(['ATTEMPTED_AT', 'INTEGRATION', 'EVENT', 'ENTITY', 'STATUS', 'MS', 'RETRIES_LEFT', 'RESPONSE']);
    expect(rows).toHaveLength(attempts().filter((a) => a.integration_id === LIVE && a.status === 'FAILURE').length);
    expect(rows[0]).toMatch(/FAILURE\s+\d+\s+9\s+400 \{"error":"unknown_product".*…$/);
  });

  it.each([
    [['--since', 'yesterday-ish'], /--since: "yesterday-ish" is not a date/],
    [['--since', '1h', '--until', '2h'], /--since \(.*\) is after --until/],
    [['--status', 'broken'], /'--status <status>' argument 'broken' is invalid/],
    [['--status-code', '99'], /--status-code: "99" is not a status code/],
    [['--limit', '0'], /--limit: "0" is not a positive whole number/],
  ])('refuses %j with exit 2 before any request', async (flags, message) => {
    const r = await h.nsx(['events', 'list', ...flags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.requests).toEqual([]);
    expect(r.stdout).toBe('');
  });

  it('reads the seeded day in slices of fewer than the cap: every attempt once', async () => {
    const got = await ndjson('--integration', BULK);
    expect(got).toHaveLength(BULK_COUNT);
    expect(new Set(got.map(keyOf)).size).toBe(BULK_COUNT);
  });
});
