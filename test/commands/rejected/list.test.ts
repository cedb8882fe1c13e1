// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../../../src/api/schemas.js';
import { ID, NOWHERE, h, initial, ndjson, ids, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('rejected list', () => {
  beforeAll(() => resetSandbox());

  it('prints every rejected event, oldest first, tab-separated when piped', async () => {
    const r = await h.nsx(['rejected', 'list', ID]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows).toHaveLength(100);
    expect(rows.map((c) => c[0])).toEqual(ids(initial));
    const first = initial[0]!;
    expect(rows[0]).toEqual([
      first.id,
      first.rejected_at,
      first.event.name,
      first.event.payload.order_id ?? first.event.payload.id,
      '400',
      String(first.attempts),
      (first.response?.body as { message: string }).message,
    ]);
    const times = rows.map((c) => Date.parse(c[1]!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('prints whole events in json and ndjson, and an aligned table with headers on request', async () => {
    const json = await h.nsx(['rejected', 'list', ID, '--output', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(initial);
    const short = await h.nsx(['rejected', 'list', ID, '--json']);
    expect(JSON.parse(short.stdout)).toEqual(initial);
    const nd = await h.nsx(['rejected', 'list', ID, '--output', 'ndjson']);
    expect(ndjson(nd.stdout)).toEqual(initial);
    const table = await h.nsx(['rejected', 'list', ID, '--output', 'table']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+REJECTED_AT\s+EVENT\s+ENTITY\s+STATUS\s+ATTEMPTS\s+ANSWER$/);
    expect(lines).toHaveLength(101);
    expect(lines[1]).toMatch(new RegExp(`^${initial[0]!.id}\\s+`));
  });

  // The same filter flags and meanings as `logs list` and `recover`; expectations are computed here
  // from the unfiltered list with plain predicates, not with nsx's filter code.
  const at = (i: number) => initial[i]!.rejected_at;
  const productOf = (e: RejectedEvent) => (e.event.payload as { items?: { product_id: string }[] }).items?.[0]?.product_id;
  const filterCases: { name: string; flags: () => string[]; expected: () => RejectedEvent[] }[] = [
    { name: '--event exact', flags: () => ['--event', 'order.created'], expected: () => initial.filter((e) => e.event.name === 'order.created') },
    {
      name: '--event glob, repeated and comma-separated',
      flags: () => ['--event', 'order.open*', '--event', 'order.items_*,nothing.*'],
      expected: () => initial.filter((e) => e.event.name === 'order.opened' || e.event.name.startsWith('order.items_')),
    },
    { name: '--since ISO', flags: () => ['--since', at(60)], expected: () => initial.filter((e) => e.rejected_at >= at(60)) },
    {
      name: '--since and --until',
      flags: () => ['--since', at(10), '--until', at(19)],
      expected: () => initial.filter((e) => e.rejected_at >= at(10) && e.rejected_at <= at(19)),
    },
    { name: '--since as an age (all within 2 days)', flags: () => ['--since', '2d'], expected: () => initial },
    { name: '--until as an age (none older than 2 days)', flags: () => ['--until', '2d'], expected: () => [] },
    {
      name: '--entity-id',
      flags: () => ['--entity-id', initial[7]!.event.payload.id!],
      expected: () => initial.filter((e) => e.event.payload.id === initial[7]!.event.payload.id),
    },
    { name: '--status-code 4xx', flags: () => ['--status-code', '4xx'], expected: () => initial },
    { name: '--status-code 503', flags: () => ['--status-code', '503'], expected: () => [] },
    {
      name: '--match a payload field',
      flags: () => ['--match', `items.0.product_id=${productOf(initial[3]!)}`],
      expected: () => initial.filter((e) => productOf(e) === productOf(initial[3]!)),
    },
    {
      name: 'all together (AND)',
      flags: () => ['--event', 'order.*', '--since', at(50), '--status-code', '400', '--match', 'payload.currency=USD'],
      expected: () => initial.filter((e) => e.rejected_at >= at(50) && (e.event.payload as { currency?: string }).currency === 'USD'),
    },
  ];
  it.each(filterCases)('filters: $name', async ({ flags, expected }) => {
    const r = await h.nsx(['rejected', 'list', ID, '--output', 'ndjson', ...flags()]);
    expect(r.code, r.stderr).toBe(0);
    expect(ids(ndjson(r.stdout))).toEqual(ids(expected()));
  });

  it('--fail-if-any exits 6 when events match, and still prints them', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--event', 'order.created', '--fail-if-any']);
    expect(r.code).toBe(6);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(initial.filter((e) => e.event.name === 'order.created').length);
    expect(r.stderr).toMatch(/rejected events? for erp-orders matching event=order\.created \(--fail-if-any\)/);
  });

  it('--fail-if-any exits 0 when nothing matches (empty stdout; a note on stderr)', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--event', 'return.*', '--fail-if-any']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no rejected events for erp-orders matching event=return\.\*/);
    const json = await h.nsx(['rejected', 'list', ID, '--event', 'return.*', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('an unknown integration is exit 5', async () => {
    const r = await h.nsx(['rejected', 'list', 'no-such-integration']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: integration "no-such-integration" does not exist in tenant sandbox$/m);
  });

  it.each([
    [['rejected', 'list', 'bad id!'], /integration id "bad id!" is not valid/],
    [['rejected', 'list', ID, '--since', 'yesterday'], /--since: "yesterday" is not a date/],
    [['rejected', 'list', ID, '--since', '1h', '--until', '2h'], /--since .* is after --until/],
    [['rejected', 'list', ID, '--status-code', '99'], /--status-code: "99" is not a status code/],
    [['rejected', 'list', ID, '--match', 'currency'], /--match: "currency" must be PATH=VALUE/],
    [['rejected', 'show', ID, 'has space'], /event id "has space" is not valid/],
    [['rejected', 'retry', ID], /name the event ids to retry, or pass --all/],
    [['rejected', 'delete', ID, 'evt-1', '--all'], /--all and explicit event ids are mutually exclusive/],
    [['rejected', 'export', ID, '--file', '/no/such/dir/x.ndjson'], /\/no\/such\/dir is not an existing folder/],
  ])('bad input %j: one line, exit 2, nothing sent', async (args, message) => {
    const r = await h.nsx(args, { env: NOWHERE });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
