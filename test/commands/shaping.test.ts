// Shaping output without jq (README "Shaping output"): --limit on every list, applied by the output layer.
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTSTREAM } from '../helpers/sandbox.js';
import { ID, h, initial, ids, resetSandbox, useErpOrdersSandbox } from './rejected/erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('--limit', () => {
  beforeAll(() => resetSandbox());

  it('rejected list --limit 2 prints the 2 oldest events', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--limit', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0])).toEqual(ids(initial).slice(0, 2));
    expect(r.requests.length).toBeGreaterThan(0); // the nothing-sent checks below can fail
    const json = await h.nsx(['rejected', 'list', ID, '--limit', '2', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(initial.slice(0, 2));
  });

  it('integrations list --limit 1 prints one row', async () => {
    const r = await h.nsx(['integrations', 'list', '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a bad --limit is one line, exit 2', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--limit', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--limit: "0" is not a positive whole number/);
  });
});

describe('--fields and --header', () => {
  beforeAll(() => resetSandbox());

  it('--fields chooses the tsv columns in its order; --header adds the names line', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--limit', '2', '--fields', 'status,id', '--header']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(['STATUS\tID', ...initial.slice(0, 2).map((e) => `${e.response?.status_code}\t${e.id}`)]);
    const plain = await h.nsx(['rejected', 'list', ID, '--limit', '1']);
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--fields chooses the table columns (names without regard to case)', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--limit', '2', '--fields', 'ID,rejected_at', '-o', 'table']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+REJECTED_AT$/);
    expect(lines[1]).toBe(`${initial[0]!.id}  ${initial[0]!.rejected_at}`.replace(/  /, ' '.repeat(lines[0]!.indexOf('REJECTED_AT') - initial[0]!.id.length)));
    expect(lines).toHaveLength(3);
  });

  it('an unknown field is one line naming the known ones, exit 2, nothing sent', async () => {
    for (const argv of [['rejected', 'list', ID], ['integrations', 'list']]) {
      const r = await h.nsx([...argv, '--fields', 'id,nope']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: --fields: unknown field "nope" \(known: id, .*status/);
      expect(r.requests).toEqual([]);
    }
  });

  it('--fields with json is refused: json prints rows whole', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--fields', 'id', '--json']);
    expect(r.code).toBe(2);
    expect(r.requests).toEqual([]);
  });
});

describe('--query', () => {
  beforeAll(() => resetSandbox());

  it('applies JMESPath to the JSON of rejected list, json without --output', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--query', '[0:2].{id: id, status: response.status_code}']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(initial.slice(0, 2).map((e) => ({ id: e.id, status: e.response?.status_code })));
  });

  it('prints scalars and arrays of scalars plain with -o tsv, one a line', async () => {
    const n = await h.nsx(['rejected', 'list', ID, '--query', 'length(@)', '-o', 'tsv']);
    expect(n.stdout).toBe('100\n');
    const idsOut = await h.nsx(['rejected', 'list', ID, '--limit', '3', '--query', '[].id', '-o', 'table']);
    expect(idsOut.stdout).toBe(ids(initial).slice(0, 3).map((i) => `${i}\n`).join(''));
  });

  it('works on integrations list, logs list and events list', async () => {
    const integ = await h.nsx(['integrations', 'list', '--query', '[].id']);
    expect(integ.code, integ.stderr).toBe(0);
    expect(JSON.parse(integ.stdout)).toContain(ID);
    const logsAll = await h.nsx(['logs', 'list', ID, '--json']);
    const logs = await h.nsx(['logs', 'list', ID, '--query', '[].id']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(JSON.parse(logs.stdout)).toEqual((JSON.parse(logsAll.stdout) as { id: string }[]).map((e) => e.id));
    // 30 attempts seeded over the last 10 minutes, every 10th a failure (the sandbox's seed is exact).
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'query-seeded', published: 30, published_span_ms: 600_000, published_failure_rate: 0.1 });
    const evAll = await h.nsx(['events', 'list', '--integration', 'query-seeded', '--json']);
    expect(evAll.code, evAll.stderr).toBe(0);
    const all = JSON.parse(evAll.stdout) as Record<string, unknown>[];
    expect(all).toHaveLength(30);
    const ev = await h.nsx(['events', 'list', '--integration', 'query-seeded', '--query', '[0]']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toEqual(all[0]);
    const count = await h.nsx(['events', 'list', '--integration', 'query-seeded', '--status', 'failure', '--query', 'length(@)', '-o', 'tsv']);
    expect(count.code, count.stderr).toBe(0);
    expect(count.stdout).toBe('3\n');
  });

  it('with -o table, a command whose object is printed in json modes only prints the query result plain', async () => {
    const r = await h.nsx(['runs', 'prune', '--older-than', '30d', '--dry-run', '--query', 'dry_run', '-o', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('true\n');
  });

  it('works on nsx api (one answer)', async () => {
    const r = await h.nsx(['api', 'GET', `${EVENTSTREAM}/${ID}`, '--query', 'id', '-o', 'tsv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${ID}\n`);
  });

  it('a bad expression is one line, exit 2, nothing sent', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--query', '[?status ==']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--query: not a JMESPath expression/);
    expect(r.requests).toEqual([]);
  });
});

describe('tables fit the terminal', () => {
  beforeAll(() => resetSandbox());

  it('on an 80-column terminal the widest columns are cut with …; piped -o table is not cut', async () => {
    const r = await h.nsx(['rejected', 'list', ID, '--limit', '5', '--no-color'], { tty: { stdout: true, stderr: true, columns: 80 } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines.some((l) => l.includes('…'))).toBe(true);
    expect(lines[0]).toMatch(/^ID\s+REJECTED_AT\s+EVENT/);
    expect(lines[1]!.startsWith(initial[0]!.id.slice(0, 5))).toBe(true);
    const piped = await h.nsx(['rejected', 'list', ID, '--limit', '5', '-o', 'table']);
    const wide = piped.stdout.trimEnd().split('\n');
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(80);
    expect(wide.some((l) => l.includes('…'))).toBe(false);
  });
});
