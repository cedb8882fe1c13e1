// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { entityKey } from '../../../src/workflows/filters.js';
import { ID, h, initial, serverIds, serverEvent, erpDeliveries, ids, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

const journalAt = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

useErpOrdersSandbox();

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
      gone: 0,
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

  it('explicit ids, narrowed by the filters; per-event lines and the summary on stderr; unknown ids are "gone"', async () => {
    const created = initial.find((e) => e.event.name === 'order.created')!;
    const opened = initial.find((e) => e.event.name === 'order.opened')!;
    const r = await h.nsx(['rejected', 'retry', ID, opened.id, created.id, 'evt-gone', '--event', 'order.created', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^profile .* · tenant sandbox · http:\/\/127\.0\.0\.1:\d+$/m);
    expect(r.stderr).toMatch(new RegExp(`\\[1/1\\] delivered +${created.id}  order\\.created`));
    expect(r.stderr).toMatch(/gone: evt-gone/);
    expect(r.stderr).toMatch(new RegExp(`left alone \\(do not match event=order\\.created\\): ${opened.id}`));
    expect(r.stderr).toMatch(/retried 1 selected: 1 delivered, 0 still rejected, 1 gone/);
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

  it('nothing selected: exit 0 and says so (json: zero counts)', async () => {
    const r = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'return.*', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nothing to retry: no rejected events of erp-orders matching event=return\.\*/);
    const json = await h.nsx(['rejected', 'retry', ID, '--all', '--event', 'return.*', '--yes', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ selected: 0, delivered: 0, still_rejected: 0, results: [] });
  });

  it('leaves a journal like recover and triage: where on stderr, every event sent and its outcome, the end; recover does not resume it', async () => {
    const picked = [initial[3]!, initial[1]!, initial[2]!];
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: `reject-events:${initial[2]!.event.name}` });
    const r = await h.nsx(['rejected', 'retry', ID, ...ids(picked), '--yes']);
    expect(r.code, r.stderr).toBe(6);
    const path = /^journal: (\S+\.jsonl)$/m.exec(r.stderr)?.[1];
    expect(path, r.stderr).toBeDefined();
    const lines = journalAt(path!);
    expect(lines[0]).toMatchObject({ type: 'run', integration: ID, tenant: 'sandbox', options: { source: 'rejected', concurrency: 1 } });
    const oldestFirst = ids([initial[1]!, initial[2]!, initial[3]!]);
    expect(lines.filter((l) => l.type === 'send').map((l) => l.event_id)).toEqual(oldestFirst);
    const outcomes = lines.filter((l) => l.type === 'event').map((l) => [l.event_id, l.action, l.outcome]);
    const rejectedName = initial[2]!.event.name;
    expect(outcomes).toEqual([initial[1]!, initial[2]!, initial[3]!].map((e) => [e.id, 'retry', e.event.name === rejectedName ? 'rejected' : 'delivered']));
    expect(lines.at(-1)).toMatchObject({ type: 'end', outcome: 'completed', resumable: false, exit_code: r.code });
    // The same run in --json: its id and journal.
    await resetSandbox();
    const json = await h.nsx(['rejected', 'retry', ID, initial[0]!.id, '--yes', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.journal).toMatch(new RegExp(`${result.run_id}\\.jsonl$`));
    expect(journalAt(result.journal).filter((l) => l.type === 'event')).toMatchObject([{ event_id: initial[0]!.id, outcome: 'delivered' }]);
    // A person chose these events: a plain recover plans anew instead of resuming the retry run.
    const dry = await h.nsx(['recover', ID, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).not.toContain(result.run_id);
  });

  it('two events of one entity go in order: oldest first whatever the order typed; when the older is still rejected the newer is held back', async () => {
    const [older, newer] = [initial[5]!, initial[9]!];
    const records = h.sandbox.state.rejectedOf(ID);
    const entity = entityKey(older);
    (records.find((x) => x.id === newer.id)!.event.payload as Record<string, unknown>).order_id = entity;
    const r = await h.nsx(['rejected', 'retry', ID, newer.id, older.id, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { id: string; entity: string }) => [x.id, x.entity])).toEqual([[older.id, entity], [newer.id, entity]]);
    expect(erpDeliveries().map((d) => d.event_id)).toEqual([older.id, newer.id]);

    await resetSandbox(`reject-events:${older.event.name}`);
    (h.sandbox.state.rejectedOf(ID).find((x) => x.id === newer.id)!.event.payload as Record<string, unknown>).order_id = entity;
    if (newer.event.name === older.event.name) throw new Error('the test needs two event names');
    const held = await h.nsx(['rejected', 'retry', ID, newer.id, older.id, '--yes']);
    expect(held.code).toBe(6);
    expect(held.stderr).toMatch(new RegExp(`\\[1/2\\] still rejected +${older.id} `));
    expect(held.stderr).toMatch(new RegExp(`\\[2/2\\] skipped +${newer.id} .*an earlier event of the same entity was not delivered`));
    expect(held.stderr).toMatch(/retried 2 selected: 0 delivered, 1 still rejected, 0 gone, 1 skipped/);
    expect(held.stderr).toMatch(/2 of 2 events were not retried successfully/);
    expect(erpDeliveries().map((d) => d.event_id)).toEqual([older.id]);
    expect(serverIds()).toContain(newer.id);
  });
});
