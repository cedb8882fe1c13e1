// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ID, h, initial, serverIds, erpDeliveries, ids, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('rejected delete', () => {
  beforeEach(() => resetSandbox());

  it('--all with filters leaves exactly the unselected events on the server', async () => {
    const selected = initial.filter((e) => e.event.name === 'order.created');
    const r = await h.nsx(['rejected', 'delete', ID, '--all', '--event', 'order.created', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`deleted ${selected.length} selected: ${selected.length} deleted, 0 gone`));
    expect(serverIds()).toEqual(ids(initial.filter((e) => e.event.name !== 'order.created')));
    expect(erpDeliveries()).toEqual([]);
  });

  it('json result; an id deleted meanwhile (404) counts as gone, not as a failure', async () => {
    const [a, b] = initial;
    const first = await h.nsx(['rejected', 'delete', ID, a!.id, '--yes', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'delete', selected: 1, deleted: 1, gone: 0, results: [{ id: a!.id, outcome: 'deleted' }] });
    const second = await h.nsx(['rejected', 'delete', ID, a!.id, b!.id, '--yes', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ selected: 1, deleted: 1, gone: 1 });
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

  it('an event deleted meanwhile (gone by the time nsx sends its DELETE) counts gone, in the summary, the JSON and the journal; exit 0', async () => {
    const [a, b, c] = initial;
    // Someone else deletes b while nsx deletes a: nsx listed b, but its DELETE answers 404.
    const meanwhile = (req: { method?: string; url?: string }) => {
      if (req.method !== 'DELETE' || !req.url?.includes(a!.id)) return;
      const rec = h.sandbox.state.rejectedOf(ID).find((x) => x.id === b!.id);
      if (rec) h.sandbox.state.removeRejected(ID, rec);
    };
    h.sandbox.server.on('request', meanwhile);
    try {
      const r = await h.nsx(['rejected', 'delete', ID, a!.id, b!.id, c!.id, '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ selected: 3, deleted: 2, gone: 1, failed: 0, not_processed: 0 });
      expect(result.results.map((x: { id: string; outcome: string }) => [x.id, x.outcome])).toEqual([[a!.id, 'deleted'], [b!.id, 'gone'], [c!.id, 'deleted']]);
      const events = readFileSync(result.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'event');
      expect(events.map((l) => [l.event_id, l.action, l.outcome])).toEqual([[a!.id, 'drop', 'deleted'], [b!.id, 'drop', 'gone'], [c!.id, 'drop', 'deleted']]);
    } finally {
      h.sandbox.server.off('request', meanwhile);
    }
    expect(serverIds()).toEqual(ids(initial.slice(3)));
    // The human summary says the same.
    await resetSandbox();
    h.sandbox.server.on('request', meanwhile);
    try {
      const r = await h.nsx(['rejected', 'delete', ID, a!.id, b!.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`\\[2/2\\] gone +${b!.id} .*\\(no longer rejected: delivered or deleted meanwhile\\)`));
      expect(r.stderr).toMatch(/deleted 2 selected: 1 deleted, 1 gone$/m);
    } finally {
      h.sandbox.server.off('request', meanwhile);
    }
  });
});
