// nsx events stats, in-process, against the sandbox (published-sandbox.ts): the figures per event,
// integration and hour computed from every attempt of the window (read in slices), json for scripts,
// tsv when piped, a bar per row on a terminal only.
import { describe, expect, it } from 'vitest';
import { attempts, BULK, BULK_COUNT, h, lines, usePublishedSandbox, type Attempt } from './published-sandbox.js';

usePublishedSandbox();

/** Nearest-rank percentile. */
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
};
function expected(group: (a: Attempt) => string, all: Attempt[] = attempts()) {
  const groups = new Map<string, Attempt[]>();
  for (const a of all) groups.set(group(a), [...(groups.get(group(a)) ?? []), a]);
  return [...groups.entries()].map(([g, list]) => {
    const ms = list.map((a) => a.response_time_ms as number);
    const failure = list.filter((a) => a.status === 'FAILURE').length;
    return { group: g, attempts: list.length, success: list.length - failure, failure, failure_rate: failure / list.length, p50_ms: pct(ms, 50), p95_ms: pct(ms, 95), max_ms: Math.max(...ms) };
  });
}

describe('events stats', () => {
  it('--by event (the default) --json: counts, failure rate and p50/p95/max response_time_ms per event, busiest first', async () => {
    const r = await h.nsx(['events', 'stats', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as ReturnType<typeof expected>;
    const want = expected((a) => a.event_name).sort((a, b) => b.attempts - a.attempts || a.group.localeCompare(b.group));
    expect(got).toEqual(want);
    expect(got.reduce((n, g) => n + g.attempts, 0)).toBe(attempts().length);
  });

  it('--by integration, filtered: tsv rows when piped, the rate as a fraction, a summary line on stderr', async () => {
    const r = await h.nsx(['events', 'stats', '--by', 'integration', '--event', 'order.*']);
    expect(r.code, r.stderr).toBe(0);
    const orders = attempts().filter((a) => a.event_name.startsWith('order.'));
    const want = expected((a) => a.integration_id, orders).sort((a, b) => b.attempts - a.attempts);
    expect(lines(r.stdout).map((l) => l.split('\t'))).toEqual(
      want.map((g) => [g.group, g.attempts, g.success, g.failure, g.failure_rate, g.p50_ms, g.p95_ms, g.max_ms].map(String)),
    );
    const failed = orders.filter((a) => a.status === 'FAILURE').length;
    expect(r.stderr).toMatch(new RegExp(`^${orders.length} attempts from \\S+ to \\S+: ${orders.length - failed} succeeded, ${failed} failed \\(\\d+\\.\\d%\\)$`, 'm'));
  });

  it('--by hour: a row for every hour of the window, empty ones too, in time order', async () => {
    const r = await h.nsx(['events', 'stats', '--by', 'hour', '--integration', BULK, '--since', '6h', '--output', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => JSON.parse(l) as { group: string; attempts: number; failure: number });
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.length).toBeLessThanOrEqual(7);
    expect(rows.map((x) => x.group)).toEqual([...rows.map((x) => x.group)].sort());
    expect(rows.reduce((n, x) => n + x.attempts, 0)).toBe(BULK_COUNT);
    expect(rows.filter((x) => x.attempts === 0).length).toBeGreaterThanOrEqual(4);
    const hourOf = (a: Attempt) => `${a.attempted_at.slice(0, 13)}:00:00.000Z`;
    const bulk = attempts().filter((a) => a.integration_id === BULK);
    for (const row of rows.filter((x) => x.attempts > 0)) expect(row.attempts).toBe(bulk.filter((a) => hourOf(a) === row.group).length);
  });

  it('draws a bar per row on a terminal only (never in tsv or json)', async () => {
    const tty = await h.nsx(['events', 'stats', '--by', 'integration'], { tty: { stdout: true, columns: 160 } });
    expect(tty.code, tty.stderr).toBe(0);
    const [header, ...rows] = lines(tty.stdout);
    expect(header).toMatch(/^INTEGRATION\s+ATTEMPTS\s+SUCCESS\s+FAILURE\s+FAILURE_RATE\s+P50_MS\s+P95_MS\s+MAX_MS$/);
    const bulkRow = rows.find((l) => l.startsWith(BULK))!;
    expect(bulkRow).toMatch(/\s10\.0%\s.*█{16,}▒{1,3}$/); // the busiest row: 20 cells, a tenth of them failures
    const piped = await h.nsx(['events', 'stats', '--by', 'integration', '--output', 'table']);
    expect(piped.stdout).not.toMatch(/[█▒]/);
  });

  it('refuses an unknown --by with exit 2 before any request', async () => {
    const r = await h.nsx(['events', 'stats', '--by', 'day']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/'--by <grouping>' argument 'day' is invalid/);
    expect(r.requests).toEqual([]);
  });
});
