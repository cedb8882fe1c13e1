// `nsx rejected` end to end: the built CLI against the sandbox's demo scenario (erp-orders: stopped with 100
// rejected order events). Each test states what a user relies on: exit code, stdout, stderr, and what the
// server holds (and what its receiver got) afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../../src/api/schemas.js';
import { childEnv, NSX_BIN } from '../helpers/cli.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { shellQuote, startTmux, TMUX } from '../helpers/tmux.js';

const ID = 'erp-orders';
/** A closed port: a command that sent a request there would fail with exit 1, not 2. */
const NOWHERE = { NSX_BASE_URL: 'http://127.0.0.1:9', NSX_TOKEN_URL: 'http://127.0.0.1:9/token' };

let h: SandboxHarness;
/** The demo's rejected events as the server holds them at the start of each test. */
let initial: RejectedEvent[];

const serverIds = (): string[] => (h.sandbox.state.rejected.get(ID) ?? []).map((r) => r.id);
const serverEvent = (id: string) => h.sandbox.state.rejected.get(ID)?.find((r) => r.id === id);
/** What the demo receiver got for erp-orders (its callback path is /erp), in arrival order. */
const erpDeliveries = () => (h.sandbox.receiver?.log ?? []).filter((d) => d.path.startsWith('/erp'));
const ndjson = (text: string): RejectedEvent[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEvent);
const ids = (events: { id: string }[]) => events.map((e) => e.id);

async function resetSandbox(rule = 'accept-all'): Promise<void> {
  await h.admin('POST', '/_sandbox/reset', {});
  await h.admin('PUT', '/_sandbox/receiver/rule', { rule, latency_ms: null });
  h.sandbox.receiver?.clearLog();
  initial = JSON.parse(JSON.stringify(h.sandbox.state.rejected.get(ID))) as RejectedEvent[];
}

beforeAll(async () => {
  h = await sandboxHarness({ scenario: 'demo' });
  await resetSandbox();
  expect(initial.length).toBe(100);
});
afterAll(() => h.close());

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

describe('rejected show', () => {
  beforeAll(() => resetSandbox());

  it("prints the payload pretty-printed and the receiver's answer", async () => {
    const e = initial[5]!;
    const r = await h.nsx(['rejected', 'show', ID, e.id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`event           ${e.event.name}`);
    expect(r.stdout).toContain(JSON.stringify(e.event.payload, null, 2));
    expect(r.stdout).toContain('Receiver answered 400');
    expect(r.stdout).toContain(JSON.stringify(e.response?.body, null, 2));
  });

  it('prints the whole object in json modes', async () => {
    const e = initial[5]!;
    const json = await h.nsx(['rejected', 'show', ID, e.id, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(e);
    const nd = await h.nsx(['rejected', 'show', ID, e.id, '--output', 'ndjson']);
    expect(nd.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(nd.stdout)).toEqual(e);
  });

  it('an event that is not rejected (any more) is exit 5', async () => {
    const r = await h.nsx(['rejected', 'show', ID, 'evt-nope']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/no rejected event evt-nope for erp-orders/);
  });
});

describe('rejected retry', () => {
  beforeEach(() => resetSandbox());

  it('retries every matching event oldest first; exit 6 and a summary when the receiver still rejects some', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'reject-events:order.items_cancelled' });
    const selected = initial.filter((e) => e.rejected_at >= initial[40]!.rejected_at);
    const r = await h.nsx(['rejected', 'retry', ID, '--all', '--since', initial[40]!.rejected_at, '--yes', '--json']);
    expect(r.code).toBe(6);
    const result = JSON.parse(r.stdout);
    const cancelled = selected.filter((e) => e.event.name === 'order.items_cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(result).toMatchObject({
      action: 'retry',
      selected: selected.length,
      delivered: selected.length - cancelled.length,
      still_rejected: cancelled.length,
      deleted: 0,
      not_found: 0,
      failed: 0,
    });
    expect(result.results.map((x: { id: string }) => x.id)).toEqual(ids(selected));
    const stillRejected = result.results.find((x: { outcome: string }) => x.outcome === 'still_rejected');
    expect(stillRejected.response.status_code).toBe(400);
    expect(r.stderr).toMatch(new RegExp(`${cancelled.length} of ${selected.length} events were not retried successfully`));
    // The server: delivered events left the list; the still-rejected ones stayed with one more attempt.
    const kept = new Set(ids(cancelled));
    expect(serverIds()).toEqual(ids(initial.filter((e) => e.rejected_at < initial[40]!.rejected_at || kept.has(e.id))));
    for (const e of cancelled) expect(serverEvent(e.id)?.attempts).toBe((e.attempts ?? 1) + 1);
    // The receiver got them in the order they were rejected.
    expect(erpDeliveries().map((d) => d.event_id)).toEqual(ids(selected));
  });

  it('explicit ids, narrowed by the filters; per-event lines and the summary on stderr; unknown ids are "not found"', async () => {
    const created = initial.find((e) => e.event.name === 'order.created')!;
    const opened = initial.find((e) => e.event.name === 'order.opened')!;
    const r = await h.nsx(['rejected', 'retry', ID, opened.id, created.id, 'evt-gone', '--event', 'order.created', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^profile .* · tenant sandbox · http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stderr).toMatch(new RegExp(`\\[1/1\\] delivered +${created.id}  order\\.created`));
    expect(r.stderr).toMatch(/not found: evt-gone/);
    expect(r.stderr).toMatch(new RegExp(`left alone \\(do not match event=order\\.created\\): ${opened.id}`));
    expect(r.stderr).toMatch(/retried 1 selected: 1 delivered, 0 still rejected, 1 not found/);
    expect(serverIds()).not.toContain(created.id);
    expect(serverIds()).toContain(opened.id);
    expect(erpDeliveries().map((d) => d.event_id)).toEqual([created.id]);
  });

  it('--dry-run lists what would be retried and sends nothing', async () => {
    const r = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'order.opened', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const opened = initial.filter((e) => e.event.name === 'order.opened');
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0])).toEqual(ids(opened));
    expect(r.stderr).toMatch(new RegExp(`dry run: would retry ${opened.length} rejected events of erp-orders matching event=order\\.opened, oldest first; nothing was sent`));
    const json = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'order.opened', '--dry-run', '--json']);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ dry_run: true, selected: opened.length, delivered: 0 });
    expect(result.results.map((x: { outcome: string }) => x.outcome)).toEqual(opened.map(() => 'would_retry'));
    expect(erpDeliveries()).toEqual([]);
    expect(serverIds()).toEqual(ids(initial));
  });

  it('without a terminal and without --yes: exit 3, nothing sent', async () => {
    const r = await h.nsx(['rejected', 'retry', ID, '--all']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/confirmation needed and no terminal to ask in: pass --yes/);
    expect(erpDeliveries()).toEqual([]);
    expect(serverIds()).toEqual(ids(initial));
  });

  it('Ctrl-C finishes the retry in flight, prints the summary and exits 130; the rest stay rejected', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all', latency_ms: 100 });
    const child = spawn(process.execPath, [NSX_BIN, 'rejected', 'retry', ID, '--all', '--yes'], { env: childEnv(h.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!interrupted && /\[ *2\/100\] delivered/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const delivered = Number(/retried 100 selected: (\d+) delivered, 0 still rejected, 0 not found, (\d+) not processed/.exec(stderr)?.[1]);
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(stderr).toMatch(new RegExp(`interrupted: ${100 - delivered} selected events were not retried`));
    expect(serverIds()).toEqual(ids(initial.slice(delivered)));
  });

  it('nothing selected: exit 0 and says so (json: zero counts)', async () => {
    const r = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'return.*', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nothing to retry: no rejected events of erp-orders matching event=return\.\*/);
    const json = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'return.*', '--yes', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ selected: 0, delivered: 0, still_rejected: 0, results: [] });
  });
});

describe('rejected delete', () => {
  beforeEach(() => resetSandbox());

  it('--all with filters leaves exactly the unselected events on the server', async () => {
    const selected = initial.filter((e) => e.event.name === 'order.created');
    const r = await h.nsx(['rejected', 'delete', ID, '--all', '--event', 'order.created', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`deleted ${selected.length} selected: ${selected.length} deleted, 0 not found`));
    expect(serverIds()).toEqual(ids(initial.filter((e) => e.event.name !== 'order.created')));
    expect(erpDeliveries()).toEqual([]);
  });

  it('json result; an id deleted meanwhile (404) counts as not found, not as a failure', async () => {
    const [a, b] = initial;
    const first = await h.nsx(['rejected', 'delete', ID, a!.id, '--yes', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'delete', selected: 1, deleted: 1, not_found: 0, results: [{ id: a!.id, outcome: 'deleted' }] });
    const second = await h.nsx(['rejected', 'delete', ID, a!.id, b!.id, '--yes', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ selected: 1, deleted: 1, not_found: 1 });
    expect(serverIds()).toEqual(ids(initial.slice(2)));
  });

  it('--dry-run deletes nothing', async () => {
    const r = await h.nsx(['rejected', 'delete', ID, '--all', '--dry-run', '--output', 'ndjson']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dry_run: true, action: 'delete', selected: 100, deleted: 0 });
    expect(serverIds()).toEqual(ids(initial));
  });

  it('without a terminal and without --yes: exit 3, nothing deleted', async () => {
    const r = await h.nsx(['rejected', 'delete', ID, initial[0]!.id, '--json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.trim().split('\n').pop()!)).toMatchObject({ error: { exit_code: 3 } });
    expect(serverIds()).toEqual(ids(initial));
  });

  it.skipIf(!TMUX)('asks in a terminal: "n" keeps the event (exit 3), "y" deletes it', async () => {
    const target = initial[0]!;
    const env = { ...h.env, HOME: h.env.HOME!, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' };
    const command = `${shellQuote(process.execPath)} ${shellQuote(NSX_BIN)} rejected delete ${ID} ${target.id}`;
    for (const [answer, exit] of [['n', 3], ['y', 0]] as const) {
      const term = startTmux(command, env);
      try {
        await term.waitFor(/Delete 1 rejected event of erp-orders \(order\.\w+: 1\)\? They will never be delivered/);
        term.type(answer);
        term.keys('Enter');
        const screen = await term.waitFor(/\[exit \d+\]/);
        expect(screen).toContain(`[exit ${exit}]`);
        if (answer === 'n') {
          expect(screen).toMatch(/cancelled: nothing was changed/);
          expect(serverIds()).toContain(target.id);
        } else {
          expect(screen).toMatch(/deleted 1 selected: 1 deleted/);
          expect(serverIds()).not.toContain(target.id);
        }
      } finally {
        term.close();
      }
    }
  });
});

describe('rejected export', () => {
  let dir: string;
  beforeAll(async () => {
    await resetSandbox();
    dir = mkdtempSync(join(tmpdir(), 'nsx-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every rejected event as NDJSON to stdout, whatever --output says', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--output', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toEqual(initial);
    expect(r.stderr).toMatch(/exported 100 rejected events of erp-orders/);
  });

  it('applies the filters', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--event', 'order.opened']);
    expect(ids(ndjson(r.stdout))).toEqual(ids(initial.filter((e) => e.event.name === 'order.opened')));
  });

  it('--file: owner-only, complete; refuses to overwrite without --force', async () => {
    const file = join(dir, 'rejected.ndjson');
    const r = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(initial);

    writeFileSync(file, 'keep me\n');
    const refused = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists; pass --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');

    const forced = await h.nsx(['rejected', 'export', ID, '--file', file, '--force', '--event', 'order.created']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(ids(ndjson(readFileSync(file, 'utf8')))).toEqual(ids(initial.filter((e) => e.event.name === 'order.created')));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves no file behind when the export fails', async () => {
    const file = join(dir, 'missing.ndjson');
    const r = await h.nsx(['rejected', 'export', 'no-such-integration', '--file', file]);
    expect(r.code).toBe(5);
    expect(() => statSync(file)).toThrow();
  });
});
