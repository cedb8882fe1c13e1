// A hostile or full disk: links planted in nsx's state folders are refused (nothing chmod'ed, written or
// appended through them), and a disk that fills up (NSX_TEST_ENOSPC, the write helper's test hook: writes
// to files whose name ends with the suffix fail with ENOSPC after N bytes, a short write first) is one
// error line, exit 1, no torn file, and a resume command that finishes the run with nothing lost.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { receiverLog, rejectedOnServer, setReceiverRule } from '../commands/recover/recover-sandbox.js';

let h: SandboxHarness | undefined;
let outside: string | undefined;
afterEach(async () => {
  await h?.close();
  if (outside) rmSync(outside, { recursive: true, force: true });
  h = outside = undefined;
});

/** The demo sandbox with 40 rejected events of `bulk` that the receiver accepts. */
async function demo(): Promise<SandboxHarness> {
  h = await sandboxHarness({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  await setReceiverRule(h, 'accept-all');
  await h.admin('POST', '/_sandbox/seed', { integration_id: 'bulk', rejected: 40 });
  return h;
}
const stateDir = (h: SandboxHarness): string => h.env.NSX_STATE_DIR!;
const RECOVER = ['recover', 'bulk', '--yes', '--no-start'];
const retries = (h: SandboxHarness): number => rejectedOnServer(h, 'bulk').length;

/** The one error line (and its hint) of a failed run: no stack trace, no Node report. */
function expectOneError(stderr: string, message: RegExp): string[] {
  const lines = stderr.trim().split('\n');
  const at = lines.findIndex((l) => message.test(l));
  expect(at, stderr).toBeGreaterThanOrEqual(0);
  expect(stderr).not.toMatch(/\n\s+at |node:internal|Uncaught|Error: ENOSPC/);
  return lines.slice(at);
}

describe('links in the state folders', () => {
  for (const folder of ['locks', 'runs'] as const) {
    it(`a ${folder}/ folder that is a symbolic link is refused: exit 1, one line naming it, nothing chmod'ed or written there`, async () => {
      const h = await demo();
      outside = mkdtempSync(join(tmpdir(), 'nsx-outside-'));
      chmodSync(outside, 0o755);
      mkdirSync(stateDir(h), { recursive: true });
      symlinkSync(outside, join(stateDir(h), folder));
      const before = retries(h);
      const r = await h.nsx(RECOVER);
      expect(r.code, r.stderr).toBe(1);
      expectOneError(r.stderr, new RegExp(`refusing to use ${join(stateDir(h), folder)}: it is a symbolic link`));
      expect(statSync(outside).mode & 0o777).toBe(0o755);
      expect(readdirSync(outside)).toEqual([]);
      expect(retries(h)).toBe(before); // nothing was sent
    });
  }

  it("a resumable run's journal that is a symbolic link is refused, and its target is not appended to", async () => {
    const h = await demo();
    // A run that stops part-way (its journal cannot grow past 3000 bytes) leaves a resumable journal...
    const first = await h.nsx(RECOVER, { env: { NSX_TEST_ENOSPC: '.jsonl:3000' } });
    expect(first.code, first.stderr).toBe(1);
    const runs = join(stateDir(h), 'runs');
    const journal = readdirSync(runs).find((n) => n.endsWith('.jsonl'))!;
    // ... which someone replaces with a link to a file of theirs.
    outside = mkdtempSync(join(tmpdir(), 'nsx-outside-'));
    const target = join(outside, 'target.jsonl');
    renameSync(join(runs, journal), target);
    symlinkSync(target, join(runs, journal));
    const content = readFileSync(target, 'utf8');
    const r = await h.nsx(RECOVER);
    expect(r.code, r.stderr).toBe(1);
    expectOneError(r.stderr, new RegExp(`refusing to use ${join(runs, journal)}: it is a symbolic link`));
    expect(readFileSync(target, 'utf8')).toBe(content);
  });

  it('a lock file that is a symbolic link is refused, not taken over', async () => {
    const h = await demo();
    outside = mkdtempSync(join(tmpdir(), 'nsx-outside-'));
    const target = join(outside, 'stale.lock');
    const stale = `${JSON.stringify({ pid: 999_999_9, host: 'nowhere', user: 'u', started_at: 'then', run_id: 'x' })}\n`;
    writeFileSync(target, stale);
    const locks = join(stateDir(h), 'locks');
    mkdirSync(locks, { recursive: true, mode: 0o700 });
    const lock = join(locks, `${h.sandbox.tenant}--bulk.lock`);
    symlinkSync(target, lock);
    const r = await h.nsx(RECOVER);
    expect(r.code, r.stderr).toBe(1);
    expectOneError(r.stderr, new RegExp(`refusing to use ${lock}: it is a symbolic link`));
    expect(readFileSync(target, 'utf8')).toBe(stale);
  });
});

describe('a full disk', () => {
  it('while writing the plan: one line, exit 1, no torn plan or temporary file, nothing sent; a re-run works', async () => {
    const h = await demo();
    const before = retries(h);
    const r = await h.nsx(RECOVER, { env: { NSX_TEST_ENOSPC: '.plan.json:1000' } });
    expect(r.code, r.stderr).toBe(1);
    expectOneError(r.stderr, /no space left writing .*\/runs\/\d{8}T\d{6}Z-[0-9a-f]{4}\.plan\.json \(ENOSPC\)/);
    const runs = join(stateDir(h), 'runs');
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
    expect(retries(h)).toBe(before);
    const again = await h.nsx(RECOVER);
    expect(again.code, again.stderr).toBe(0);
    expect(retries(h)).toBe(0);
  });

  it('during apply: one line, exit 1, the resume command; running it finishes the run, each event delivered once', async () => {
    const h = await demo();
    const planned = rejectedOnServer(h, 'bulk').map((e) => e.id);
    const r = await h.nsx(RECOVER, { env: { NSX_TEST_ENOSPC: '.jsonl:3000' } });
    expect(r.code, r.stderr).toBe(1);
    const [, hint] = expectOneError(r.stderr, /no space left writing .*\/runs\/.*\.jsonl \(ENOSPC\)/);
    const left = retries(h);
    expect(left).toBeGreaterThan(0); // it stopped part-way
    expect(left).toBeLessThan(planned.length);
    const command = /resume with: nsx (.*)$/.exec(hint ?? '')?.[1];
    expect(command, r.stderr).toMatch(/^recover bulk --resume \d{8}T\d{6}Z-[0-9a-f]{4} --no-start --yes$/); // the session's --no-start is repeated
    const resumed = await h.nsx(command!.split(' '));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(retries(h)).toBe(0);
    const delivered = (await receiverLog(h)).filter((d) => d.event_id !== null && planned.includes(d.event_id) && d.status < 300);
    const counts = new Map<string, number>();
    for (const d of delivered) counts.set(d.event_id!, (counts.get(d.event_id!) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(planned.length);
  });
});
