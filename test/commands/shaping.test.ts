// Shaping output without jq (README "Shaping output"): --limit on every list, applied by the output layer.
import { beforeAll, describe, expect, it } from 'vitest';
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
