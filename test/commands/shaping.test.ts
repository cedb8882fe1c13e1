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
