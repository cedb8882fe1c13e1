// nsx runs prune: deletes the journals and plans of runs last written longer ago than --older-than; never a
// running one; asks in a terminal, needs --yes without one; --dry-run deletes nothing.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { demoSandbox, writeJournal, writeLock } from './runs-sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const DAY = 86_400_000;
const files = (h: InProcessSandboxHarness) => readdirSync(join(h.env.NSX_STATE_DIR!, 'runs')).sort();

async function threeRuns(): Promise<InProcessSandboxHarness> {
  h = await demoSandbox();
  const state = h.env.NSX_STATE_DIR!;
  const old = new Date(Date.now() - 40 * DAY);
  writeJournal(state, { runId: '20261001T081502Z-0001', mtime: old, end: { outcome: 'completed', resumable: false, exit_code: 0 } });
  writeJournal(state, { runId: '20261002T081502Z-0002', integration: 'pos-sync', mtime: old }); // interrupted long ago
  writeJournal(state, { runId: '20261003T081502Z-0003', integration: 'erp-stock', mtime: old }); // old, but running
  writeLock(state, { integration: 'erp-stock', runId: '20261003T081502Z-0003', pid: process.pid });
  writeJournal(state, { runId: '20261120T081502Z-0004', end: { outcome: 'completed', resumable: false, exit_code: 0 } }); // recent
  return h;
}

describe('nsx runs prune', () => {
  it('--dry-run lists the old runs that are not running and deletes nothing', async () => {
    const h = await threeRuns();
    const before = files(h);
    const r = await h.nsx(['runs', 'prune', '--older-than', '30d', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['20261002T081502Z-0002', '20261001T081502Z-0001']);
    expect(r.stderr).toContain('2 run(s) would be deleted (dry run: nothing was)');
    expect(files(h)).toEqual(before);
    expect(r.requests).toEqual([]);
  });

  it('without --yes and no terminal: exit 3, nothing deleted; with --yes: the old journals and plans go, the running and recent ones stay (json)', async () => {
    const h = await threeRuns();
    const before = files(h);
    const refused = await h.nsx(['runs', 'prune', '--older-than', '30d']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('confirmation needed and no terminal to ask in: pass --yes to go ahead');
    expect(files(h)).toEqual(before);
    const noInput = await h.nsx(['--no-input', 'runs', 'prune', '--older-than', '30d'], { tty: { stdin: true, stdout: true, stderr: true } });
    expect(noInput.code).toBe(3);
    expect(files(h)).toEqual(before);

    const done = await h.nsx(['runs', 'prune', '--older-than', '30d', '--yes', '--json']);
    expect(done.code, done.stderr).toBe(0);
    const answer = JSON.parse(done.stdout);
    expect(answer.dry_run).toBe(false);
    expect(answer.deleted.map((r: { run_id: string }) => r.run_id)).toEqual(['20261002T081502Z-0002', '20261001T081502Z-0001']);
    expect(files(h)).toEqual(['20261003T081502Z-0003.jsonl', '20261003T081502Z-0003.plan.json', '20261120T081502Z-0004.jsonl', '20261120T081502Z-0004.plan.json']);
    const list = JSON.parse((await h.nsx(['runs', 'list', '--json'])).stdout);
    expect(list.map((r: { run_id: string }) => r.run_id)).toEqual(['20261120T081502Z-0004', '20261003T081502Z-0003']);

    const nothing = await h.nsx(['runs', 'prune', '--older-than', '30d', '--yes'], { tty: { stdin: true, stdout: true, stderr: true }, env: { NO_COLOR: '1' } });
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain('no runs last written more than 30d ago');
  });

  it('bad input is exit 2 before anything is deleted: no --older-than, not a duration, zero', async () => {
    const h = await threeRuns();
    const before = files(h);
    for (const args of [['runs', 'prune', '--yes'], ['runs', 'prune', '--older-than', 'a month', '--yes'], ['runs', 'prune', '--older-than', '0', '--yes']]) {
      const r = await h.nsx(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(files(h)).toEqual(before);
    expect(existsSync(join(h.env.NSX_STATE_DIR!, 'locks'))).toBe(true);
  });
});
