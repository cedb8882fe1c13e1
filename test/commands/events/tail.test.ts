// nsx events tail, in-process, against the sandbox: under a steady `sandbox emit --rate` stream (receiver
// latency, so attempts are recorded after later-started ones) every attempt prints once, none is missed,
// across many polls; --since prints the backlog first; Ctrl-C exits 130; bad input exits 2 before any request.
import { describe, expect, it } from 'vitest';
import { attemptKey } from '../../../src/workflows/events/follow.js';
import { waitFor } from '../../helpers/poll.js';
import { EVENTSTREAM, webhook } from '../../helpers/sandbox.js';
import { attempts, BULK, h, LIVE, lines, PUBLISHED_PATH, publishedQueries, usePublishedSandbox, type Attempt } from './published-sandbox.js';

usePublishedSandbox();

const STEADY = 'steady';

async function register(id: string): Promise<void> {
  const token = (await (await fetch(h.sandbox.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: h.sandbox.clientId, client_secret: h.sandbox.clientSecret }),
  }).then((r) => r.json())) as { access_token: string }).access_token;
  const reg = await fetch(`${h.sandbox.baseUrl}${EVENTSTREAM}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...webhook(id, `${h.sandbox.receiverUrl}/${id}`), filter_conditions: { entities: ['inventory_transaction', 'order'] } }),
  });
  expect(reg.status).toBe(201);
}

describe('events tail', () => {
  it('prints every attempt of a steady stream once, oldest first, with no gap across polls; Ctrl-C exits 130', async () => {
    await register(STEADY);
    h.sandbox.receiver!.setRule('reject-unknown-products', [0, 40]); // 0-40 ms answers: attempts end out of order
    const tail = h.start(['events', 'tail', '--integration', STEADY, '--interval', '100ms', '--output', 'ndjson']);
    // The stream starts once the tail is polling (attempts before it started are not its to print).
    let polled = false;
    const onRequest = (req: { url?: string }) => void (req.url?.startsWith(PUBLISHED_PATH) && (polled = true));
    h.sandbox.server.on('request', onRequest);
    await waitFor(() => polled, 10_000, 'the first poll');
    h.sandbox.server.off('request', onRequest);
    const emitted = await h.admin<{ emitted: number }>('POST', '/_sandbox/emit', { count: 60, rate: 40, names: 'order.*', unknown_product: false });
    expect(emitted.emitted).toBe(60);
    const recorded = () => h.sandbox.core.state.published.filter((p) => p.integration_id === STEADY);
    await waitFor(() => recorded().length >= 60, 10_000, 'sixty attempts recorded');
    await waitFor(() => lines(tail.stdout()).length >= recorded().length, 10_000, 'every attempt printed', { detail: () => `${lines(tail.stdout()).length} of ${recorded().length}: ${tail.stderr()} ${JSON.stringify(recorded().slice(0,3))} ${tail.stdout().slice(0, 600)}` });
    await new Promise((r) => setTimeout(r, 350)); // three more polls: nothing is printed twice
    tail.interrupt();
    const result = await tail.result;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/^stopped following published events after \S+ \(\d+ attempts printed\)$/m);
    const printed = lines(result.stdout).map((l) => JSON.parse(l) as Attempt);
    const want = attempts().filter((a) => a.integration_id === STEADY);
    expect(printed.map(attemptKey).sort()).toEqual(want.map(attemptKey).sort()); // no duplicate, no gap
    const polls = publishedQueries(result.requests);
    expect(polls.length).toBeGreaterThan(10);
    expect(polls.every((q) => q.get('integration_id') === STEADY)).toBe(true);
    // a moving window: each poll starts no later than the previous one ended, and later polls start later
    const windows = polls.map((q) => [Date.parse(q.get('from')!), Date.parse(q.get('to')!)] as const);
    for (let i = 1; i < windows.length; i++) expect(windows[i]![0]).toBeLessThanOrEqual(windows[i - 1]![1]);
    expect(windows[windows.length - 1]![1]).toBeGreaterThan(windows[0]![1]);
    h.sandbox.receiver!.setRule('reject-unknown-products', null);
  });

  it('--since prints the attempts since then first (oldest first), then follows; tsv when piped', async () => {
    const tail = h.start(['events', 'tail', '--integration', LIVE, '--since', '1h', '--interval', '100ms']);
    const live = attempts().filter((a) => a.integration_id === LIVE).reverse();
    await waitFor(() => lines(tail.stdout()).length >= live.length, 5000, 'the backlog');
    tail.interrupt();
    const result = await tail.result;
    expect(result.exitCode).toBe(130);
    expect(lines(result.stdout).map((l) => l.split('\t')[0])).toEqual(live.map((a) => a.attempted_at));
    expect(lines(result.stdout)[0]!.split('\t')).toHaveLength(8);
  });

  it('--json prints one JSON document per attempt; --status is sent lower case', async () => {
    const tail = h.start(['events', 'tail', '--integration', BULK, '--status', 'failure', '--since', '2m', '--json', '--interval', '100ms']);
    await waitFor(() => /\}\n$/.test(tail.stdout()), 5000, 'a document');
    tail.interrupt();
    const result = await tail.result;
    const docs = result.stdout.split(/\n(?=\{)/).map((d) => JSON.parse(d) as Attempt);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.status === 'FAILURE' && d.integration_id === BULK)).toBe(true);
    expect(publishedQueries(result.requests)[0]!.get('status')).toBe('failure');
  });

  it.each([
    [['--interval', '10ms'], /--interval must be at least 100ms/],
    [['--since', 'later'], /--since: "later" is not a date/],
    [['--status-code', 'abc'], /--status-code: "abc" is not a status code/],
  ])('refuses %j with exit 2 before any request', async (flags, message) => {
    const r = await h.nsx(['events', 'tail', ...flags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.requests).toEqual([]);
  });
});
