// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { beforeEach, describe, expect, it } from 'vitest';
import { ID, h, initial, serverIds, erpDeliveries, ndjson, ids, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

useErpOrdersSandbox();

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
});
