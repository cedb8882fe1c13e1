// nsx logs list, in-process, against the sandbox (seeded-logs-sandbox.ts): all pages, newest first, the
// shared filter flags, every output mode, an unknown id.
import { describe, expect, it } from 'vitest';
import { h, SEEDED, SEED_COUNT, type Entry, entries, lines, useSeededLogsSandbox } from './seeded-logs-sandbox.js';

useSeededLogsSandbox();

describe('logs list', () => {
  it('streams every page, newest first, as tsv when piped', async () => {
    const r = await h.nsx(['logs', 'list', SEEDED, '--output', 'tsv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => l.split('\t'));
    expect(rows).toHaveLength(SEED_COUNT);
    const expected = entries();
    expect(rows.map((c) => c[0])).toEqual(expected.map((e) => e.created_at));
    expect(rows[0]).toEqual([expected[0]!.created_at, expected[0]!.level, expected[0]!.event_name ?? '', String(expected[0]!.status_code ?? ''), expected[0]!.message]);
  });

  it('applies the shared filter flags: --level, --grep, --status-code, --event, --since/--until, --limit', async () => {
    const all = entries();
    const run = async (...flags: string[]) => {
      const r = await h.nsx(['logs', 'list', SEEDED, '--output', 'ndjson', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      return lines(r.stdout).map((l) => (JSON.parse(l) as Entry).id);
    };
    expect(await run('--level', 'error')).toEqual(all.filter((e) => e.level === 'error').map((e) => e.id));
    expect(await run('--level', 'warning', '--level', 'error')).toEqual(all.filter((e) => e.level !== 'info').map((e) => e.id));
    expect(await run('--grep', 'SEED 49')).toEqual(all.filter((e) => e.message.includes('seed 49')).map((e) => e.id));
    expect(await run('--status-code', '4xx')).toEqual(all.filter((e) => e.status_code === 400).map((e) => e.id));
    expect(await run('--event', 'order.*')).toEqual(all.filter((e) => e.event_name?.startsWith('order.')).map((e) => e.id));
    const since = all[99]!.created_at;
    const until = all[20]!.created_at;
    expect(await run('--since', since)).toEqual(all.slice(0, 100).map((e) => e.id));
    expect(await run('--since', since, '--until', until, '--level', 'info')).toEqual(
      all.slice(20, 100).filter((e) => e.level === 'info').map((e) => e.id),
    );
    expect(await run('--level', 'error', '--limit', '7')).toEqual(all.filter((e) => e.level === 'error').slice(0, 7).map((e) => e.id));
  });

  it('prints a json array of whole entries, and an empty one with a note on stderr when nothing matches', async () => {
    const r = await h.nsx(['logs', 'list', SEEDED, '--json', '--limit', '3']);
    expect(JSON.parse(r.stdout)).toEqual(entries().slice(0, 3));
    const none = await h.nsx(['logs', 'list', SEEDED, '--json', '--grep', 'no such words']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const human = await h.nsx(['logs', 'list', SEEDED, '--grep', 'no such words']);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/no log entries of seeded-logs match grep=no such words/);
  });

  it('says an unknown integration does not exist (exit 5)', async () => {
    const r = await h.nsx(['logs', 'list', 'ghost']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^error: integration "ghost" does not exist in tenant sandbox$/m);
  });
});
