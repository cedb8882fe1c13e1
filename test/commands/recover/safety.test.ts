// Issue 11, items 1-6, nsx run in-process against the sandbox. One lock for every command that retries or
// deletes rejected events; a tenant that contradicts a profile's URL is refused; vanished events are
// counted as gone; a resumed run does not inherit rules silently; a dry run during a live recover says it
// is in progress; every printed command runs as printed and does what it said. A live run is kept in
// flight by holding its receiver (holdReceiver), not by a latency long enough to outlast the commands.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { writeSandboxProfile, type SandboxHarness } from '../../helpers/sandbox.js';
import { holdReceiver, journalLines, printedCommand, receiverLog, rejectedOnServer, setReceiverRule, statusOf, waitUntil, type HeldReceiver } from './recover-sandbox.js';

let h: InProcessSandboxHarness | undefined;
let held: HeldReceiver | undefined;
afterEach(async () => {
  await held?.close();
  held = undefined;
  await h?.close();
  h = undefined;
});

async function demo(rule = 'accept-all'): Promise<InProcessSandboxHarness> {
  // A generous delivery timeout: on a busy machine the default (250 ms at this time scale) fails retries;
  // a held receiver answers only once the test releases it.
  h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 30_000 });
  await setReceiverRule(h, rule);
  await h.admin('DELETE', '/_sandbox/receiver/log');
  return h;
}

// writeSandboxProfile reads only the harness's env and sandbox.
const profileFor = (h: InProcessSandboxHarness) => writeSandboxProfile(h as unknown as SandboxHarness);

function journals(h: InProcessSandboxHarness): string[] {
  const dir = join(h.env.NSX_STATE_DIR!, 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n)) : [];
}

const sends = (h: InProcessSandboxHarness) => journals(h).flatMap((p) => journalLines(p)).filter((l) => l.type === 'send').length;

describe('1. one lock for recover, rejected retry/delete and triage', () => {
  it('a recover is running: rejected retry --all --yes exits 7 naming the holder; read-only commands still work; each event is delivered once', async () => {
    const h = await demo('accept-all');
    const before = rejectedOnServer(h, 'erp-orders');
    held = await holdReceiver(h, 'erp-orders'); // the recover stays in flight until every command below has run
    const live = h.start(['recover', 'erp-orders', '--yes', '--no-start']);
    await waitUntil(() => sends(h) >= 1 && held!.waiting >= 1, 'the recover to be sending');
    const refusedBy = (stderr: string) => {
      expect(stderr).toContain(`another nsx is retrying or deleting the rejected events of erp-orders (tenant sandbox): pid ${process.pid} on ${hostname()}`);
      expect(stderr).toContain('`nsx recover erp-orders --yes --no-start`, started 20');
    };

    const retry = await h.nsx(['rejected', 'retry', 'erp-orders', '--all', '--yes']);
    expect(retry.code, retry.stderr).toBe(7);
    refusedBy(retry.stderr);
    // triage, in a terminal (as a person runs it), is refused too.
    const triage = await h.nsx(['rejected', 'triage', 'erp-orders'], { tty: { stdin: true, stdout: true, stderr: true }, env: { NO_COLOR: '1' } });
    expect(triage.code, triage.stderr).toBe(7);
    expect(triage.stderr).toContain(`pid ${process.pid} on ${hostname()}`);
    for (const args of [
      ['rejected', 'delete', 'erp-orders', '--all', '--event', 'order.items_cancelled', '--yes'],
      ['rejected', 'retry', 'erp-orders', before.at(-1)!.id, '--yes'],
      ['recover', 'erp-orders', '--yes'],
    ]) {
      const r = await h.nsx(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(7);
      refusedBy(r.stderr);
    }
    // Read-only commands never take the lock.
    for (const args of [
      ['rejected', 'list', 'erp-orders'],
      ['rejected', 'show', 'erp-orders', before.at(-1)!.id],
      ['rejected', 'export', 'erp-orders'],
      ['rejected', 'retry', 'erp-orders', '--all', '--dry-run'],
      ['recover', 'erp-orders', '--dry-run'],
    ]) {
      const r = await h.nsx(args);
      expect([0, 5], `${args.join(' ')}\n${r.stderr}`).toContain(r.code); // show: 5 once that event is delivered
    }
    held.release();
    const done = await live.result;
    expect(done.code, done.stderr).toBe(0);

    const log = await receiverLog(h);
    expect(log).toHaveLength(before.length);
    expect(log.map((d) => d.event_id).sort()).toEqual(before.map((e) => e.id).sort());
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    // ... and the lock is free again: a retry now runs (nothing left to retry).
    expect((await h.nsx(['rejected', 'retry', 'erp-orders', '--all', '--yes'])).code).toBe(0);
  });
});

describe('2. a tenant that contradicts the profile is refused', () => {
  it('NSX_PROFILE=sandbox nsx --tenant acme recover --dry-run: exit 2 naming both, nothing sent; with the URLs at the same level the context line shows the host called', async () => {
    const h = await demo();
    const env = { ...profileFor(h), NSX_PROFILE: 'sandbox' };
    await h.admin('PUT', '/_sandbox/faults', { errorRate: 1, routes: { token: { errorRate: 1 } } }); // any call would fail loudly

    const refused = await h.nsx(['--tenant', 'acme', 'recover', 'erp-orders', '--dry-run'], { env });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`error: --tenant acme contradicts the base-url ${h.sandbox.baseUrl} of profile "sandbox" (made for tenant sandbox)`);
    expect(refused.stderr).not.toContain('tenant acme ·'); // no context line naming a tenant nsx would not call
    const viaEnv = await h.nsx(['recover', 'erp-orders', '--dry-run'], { env: { ...env, NSX_TENANT: 'acme' } });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain(`NSX_TENANT=acme contradicts the base-url ${h.sandbox.baseUrl} of profile "sandbox"`);
    const stage = await h.nsx(['--stage', 'x', 'recover', 'erp-orders', '--dry-run'], { env });
    expect(stage.code).toBe(2);
    expect(stage.stderr).toContain('--stage x contradicts the base-url');
    const sandboxToo = await h.nsx(['--sandbox', '--tenant', 'acme', 'recover', 'erp-orders', '--dry-run'], { env });
    expect(sandboxToo.code).toBe(2);
    expect(sandboxToo.stderr).toContain('--tenant cannot apply');

    await h.admin('DELETE', '/_sandbox/faults');
    const ok = await h.nsx(['recover', 'erp-orders', '--dry-run'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`profile sandbox · tenant sandbox · ${h.sandbox.baseUrl}`);
    // Tenant and both URLs at the flag level: allowed, and the context line names the host actually called.
    const same = await h.nsx(['--tenant', 'acme', '--base-url', h.sandbox.baseUrl, '--token-url', h.sandbox.tokenUrl, 'recover', 'erp-orders', '--dry-run'], { env });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain(`profile sandbox · tenant acme · ${h.sandbox.baseUrl}`);
  });
});

describe('3. vanished events are counted as gone', () => {
  it('plan, delete 26 with rejected delete, apply the plan: 74 delivered and 26 gone in the summary, JSON, journal and report', async () => {
    const h = await demo();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-gone-'));
    const plan = join(dir, 'plan.json');
    const report = join(dir, 'incident.md');
    const made = await h.nsx(['recover', 'erp-orders', '--dry-run', '--plan-out', plan]);
    expect(made.code, made.stderr).toBe(0);
    const del = await h.nsx(['rejected', 'delete', 'erp-orders', '--all', '--event', 'order.items_cancelled', '--yes', '--json']);
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout).deleted).toBe(26);

    const r = await h.nsx(['recover', 'erp-orders', '--plan-in', plan, '--yes', '--json', '--watch', '0', '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.results).toEqual({ delivered: 74, deleted: 0, gone: 26, failed: 0, skipped: 0, remaining: 0 });
    expect(r.stderr).toMatch(/handled 100 events in \S+: 74 delivered, 26 gone/);
    const lines = journalLines(json.journal);
    expect(lines.filter((l) => l.type === 'event' && l.outcome === 'gone')).toHaveLength(26);
    expect(lines.filter((l) => l.type === 'event' && l.outcome === 'delivered')).toHaveLength(74);
    expect(lines.at(-1)).toMatchObject({ type: 'end', outcome: 'completed', results: { delivered: 74, gone: 26, deleted: 0 } });
    expect(readFileSync(report, 'utf8')).toContain('- Delivered 74, deleted 0, gone 26');
    // The receiver got the 74 planned events still rejected, once each (later ones are the backlog after the start).
    const planned = new Set((JSON.parse(readFileSync(plan, 'utf8')).events as Array<{ id: string }>).map((e) => e.id));
    expect((await receiverLog(h)).filter((d) => d.event_id && planned.has(d.event_id))).toHaveLength(74);

    // The table summary on stdout says the same.
    await h.admin('POST', '/_sandbox/reset', {});
    await setReceiverRule(h, 'accept-all');
    const plan2 = join(dir, 'plan2.json');
    expect((await h.nsx(['recover', 'erp-orders', '--dry-run', '--plan-out', plan2])).code).toBe(0);
    expect((await h.nsx(['rejected', 'delete', 'erp-orders', '--all', '--event', 'order.items_cancelled', '--yes'])).code).toBe(0);
    const text = await h.nsx(['recover', 'erp-orders', '--plan-in', plan2, '--yes', '--watch', '0']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('erp-orders: 74 delivered, 0 deleted, 26 gone, 0 failed, 0 skipped; no rejected events remain.');
  });
});

describe('4. a resumed run does not inherit rules silently', () => {
  /** recover --drop order.items_cancelled stops at the first order.opened the receiver rejects. */
  async function stoppedDropRun(): Promise<{ h: InProcessSandboxHarness; runId: string; deletedBefore: number }> {
    const h = await demo('reject-events:order.opened');
    const stop = await h.nsx(['recover', 'erp-orders', '--drop', 'event=order.items_cancelled', '--yes', '--watch', '0']);
    expect(stop.code, stop.stderr).toBe(6);
    const runId = /--resume (\S+)/.exec(stop.stderr)![1]!;
    await setReceiverRule(h, 'accept-all');
    const deletedBefore = 26 - rejectedOnServer(h, 'erp-orders').filter((e) => e.event.name === 'order.items_cancelled').length;
    return { h, runId, deletedBefore };
  }

  it('--yes without a terminal and other flags than the run: exit 7 naming both commands, nothing changed; "resume as is" runs as printed and keeps the --drop', async () => {
    const { h, runId } = await stoppedDropRun();
    const left = rejectedOnServer(h, 'erp-orders').map((e) => e.id);
    const logBefore = (await receiverLog(h)).length;
    const r = await h.nsx(['recover', 'erp-orders', '--on-error', 'skip', '--yes']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`run ${runId} (stopped on error) has --drop event=order.items_cancelled; this command gives --on-error skip`);
    expect(rejectedOnServer(h, 'erp-orders').map((e) => e.id)).toEqual(left);
    expect(await receiverLog(h)).toHaveLength(logBefore);

    const resume = printedCommand(r.stderr, 'resume it as it is:');
    expect(resume).toEqual(['recover', 'erp-orders', '--resume', runId, '--yes']);
    const resumed = await h.nsx([...resume, '--watch', '0']); // as printed; no 10 s watch of the started integration (the watch is recover.test.ts's)
    expect(resumed.code, resumed.stderr).toBe(0);
    // The inherited rule is printed first, one a line, before the plan.
    const lines = resumed.stderr.split('\n');
    const dropLine = lines.findIndex((l) => l.startsWith('    --drop event=order.items_cancelled'));
    expect(dropLine).toBeGreaterThan(0);
    expect(lines[dropLine]).toContain('deletes the matching events');
    expect(dropLine).toBeLessThan(lines.findIndex((l) => l.startsWith('What is left of run')));
    // It did what "as is" means: the rest delivered, the cancellations deleted (none delivered).
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    const delivered = (await receiverLog(h)).slice(logBefore);
    expect(delivered.filter((d) => d.name === 'order.items_cancelled')).toEqual([]);
    expect(JSON.parse((await h.nsx(['recover', 'erp-orders', '--dry-run', '--json'])).stdout).plan.total).toBe(0);
  });

  it('"--no-resume" runs as printed: a new plan with the flags typed, no --drop, nothing deleted', async () => {
    const { h, deletedBefore } = await stoppedDropRun();
    const cancelsLeft = rejectedOnServer(h, 'erp-orders').filter((e) => e.event.name === 'order.items_cancelled').map((e) => e.id);
    const r = await h.nsx(['recover', 'erp-orders', '--on-error', 'skip', '--yes']);
    expect(r.code).toBe(7);
    const fresh = printedCommand(r.stderr, 'or plan anew with this command\'s flags:');
    expect(fresh).toEqual(['recover', 'erp-orders', '--no-resume', '--on-error', 'skip', '--yes']);
    const logBefore = (await receiverLog(h)).length;
    const done = await h.nsx([...fresh, '--json', '--watch', '0']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).results).toMatchObject({ deleted: 0, failed: 0, remaining: 0 });
    expect(done.stderr).toContain('this new plan replaces it');
    const delivered = new Set((await receiverLog(h)).slice(logBefore).map((d) => d.event_id));
    expect(cancelsLeft.length).toBe(26 - deletedBefore);
    expect(cancelsLeft.filter((id) => !delivered.has(id))).toEqual([]); // delivered, not deleted
  });

  it('a plain re-run after a --drop run is refused without --resume; the dry run shows the inherited rule and the command that resumes', async () => {
    const { h, runId } = await stoppedDropRun();
    // The same flags as the run (no rules typed, but the run has --drop): refused without --resume...
    const plain = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0']);
    expect(plain.code).toBe(7);
    expect(plain.stderr).toContain(`has --drop event=order.items_cancelled; this command gives no rules or options`);
    // ... and a dry run shows what a re-run would inherit, with the command that does it.
    const dry = await h.nsx(['recover', 'erp-orders', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(`A re-run would resume run ${runId}`);
    expect(dry.stderr).toContain('    --drop event=order.items_cancelled');
    const apply = printedCommand(dry.stdout + dry.stderr, 'To apply:');
    expect(apply).toEqual(['recover', 'erp-orders', '--resume', runId, '--yes']);
    const applied = await h.nsx([...apply, '--watch', '0']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
  });
});

describe('5. a dry run during a live recover', () => {
  it('says the run is in progress (pid, host, started) and what a re-run would do after it, never "a crash?"', async () => {
    const h = await demo('accept-all');
    held = await holdReceiver(h, 'erp-orders'); // in progress until the dry run below has looked at it
    const live = h.start(['recover', 'erp-orders', '--yes', '--watch', '0']);
    await waitUntil(() => sends(h) >= 1 && held!.waiting >= 1, 'the recover to be sending');
    const runId = journalLines(journals(h)[0]!)[0]!.run_id as string;
    const dry = await h.nsx(['recover', 'erp-orders', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`run ${runId} of erp-orders is in progress: pid ${process.pid} on ${hostname()}`);
    expect(dry.stderr).toMatch(/started 20\d\d-\d\d-\d\dT/);
    expect(dry.stderr).toContain('What a re-run would do after it ends');
    expect(dry.stderr).toContain(`A re-run would resume run ${runId}`);
    expect(dry.stderr).toContain(', in progress)');
    expect(dry.stderr).not.toContain('crash');
    // The command it names for later runs as printed once the live run has ended.
    held.release();
    expect((await live.result).code).toBe(0);
    const later = await h.nsx(printedCommand(dry.stdout + dry.stderr, 'see what is left with:'));
    expect(later.code, later.stderr).toBe(0);
    expect(later.stderr).toContain('erp-orders is running and holds no rejected events: nothing to recover.');
  });
});

describe('6. every printed command runs as printed and does what it says', () => {
  it('after a stop on error (profile from NSX_PROFILE): the resume and the --drop hints, typed in a fresh shell', async () => {
    const h = await demo('reject-events:order.items_cancelled');
    const profileEnv = profileFor(h);
    const stop = await h.nsx(['recover', 'erp-orders', '--yes', '--concurrency', '2'], { env: { ...profileEnv, NSX_PROFILE: 'sandbox' } });
    expect(stop.code, stop.stderr).toBe(6);
    const drop = printedCommand(stop.stderr, 'or delete events of this type instead:');
    expect(drop).toEqual(['--profile', 'sandbox', 'recover', 'erp-orders', '--drop', 'event=order.items_cancelled', '--concurrency', '2', '--yes']);
    const resume = printedCommand(stop.stderr, 'fix the receiver, then resume:');
    expect(resume.slice(0, 5)).toEqual(['--profile', 'sandbox', 'recover', 'erp-orders', '--resume']);
    // Typed on their own: no NSX_PROFILE in the environment.
    const cancels = rejectedOnServer(h, 'erp-orders').filter((e) => e.event.name === 'order.items_cancelled').map((e) => e.id);
    const logBefore = (await receiverLog(h)).length;
    const dropped = await h.nsx([...drop, '--json', '--watch', '0'], { env: profileEnv });
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(JSON.parse(dropped.stdout).results).toMatchObject({ deleted: cancels.length, failed: 0, remaining: 0 });
    expect((await receiverLog(h)).slice(logBefore).filter((d) => d.name === 'order.items_cancelled')).toEqual([]);
    expect(statusOf(h, 'erp-orders')).toBe('running');
  });

  it('the resume hint after a stop, run as printed once the receiver is fixed, finishes the same run', async () => {
    const h = await demo('reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0']);
    expect(stop.code).toBe(6);
    const resume = printedCommand(stop.stderr, 'fix the receiver, then resume:');
    await setReceiverRule(h, 'accept-all');
    const r = await h.nsx([...resume, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ run_id: resume[3], results: { delivered: 100, remaining: 0 } });
  });

  it('--plan-in refused: the --plan-out hint is a dry run that writes the new plan and changes nothing', async () => {
    const h = await demo();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-hint-'));
    const plan = join(dir, 'plan.json');
    expect((await h.nsx(['recover', 'erp-orders', '--dry-run', '--plan-out', 'plan.json'], { cwd: dir })).code).toBe(0);
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-orders', rejected: 1 }); // a new rejection
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(101);
    const refused = await h.nsx(['recover', 'erp-orders', '--plan-in', 'plan.json', '--yes'], { cwd: dir });
    expect(refused.code).toBe(7);
    const hint = printedCommand(refused.stderr, 'make a new plan:');
    expect(hint).toContain('--dry-run');
    const before = rejectedOnServer(h, 'erp-orders').map((e) => e.id);
    const r = await h.nsx(hint, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(plan, 'utf8')).events).toHaveLength(101);
    expect(rejectedOnServer(h, 'erp-orders').map((e) => e.id)).toEqual(before);
    expect(journals(h)).toEqual([]);
    expect(await receiverLog(h)).toEqual([]);
    // ... and the plan's own hint applies exactly it.
    const apply = printedCommand(r.stderr, 'apply exactly this plan with:');
    const applied = await h.nsx([...apply, '--json', '--watch', '0'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).results).toMatchObject({ delivered: 101, remaining: 0 });
  });

  it('--sandbox: the dry run\'s "To apply" command keeps --sandbox and applies what was shown', async () => {
    const home = await demo(); // only for its isolated dirs: --sandbox starts its own
    const env = profileFor(home);
    const dry = await home.nsx(['--sandbox', 'recover', 'erp-orders', '--drop', 'event=order.items_cancelled', '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const apply = printedCommand(dry.stdout + dry.stderr, 'To apply:');
    expect(apply).toEqual(['--sandbox', 'recover', 'erp-orders', '--drop', 'event=order.items_cancelled', '--yes']);
    const r = await home.nsx([...apply, '--json', '--watch', '0'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results).toMatchObject({ delivered: 74, deleted: 26, remaining: 0 });
  });

  it('--no-start: "start it with" starts it; a retry the receiver rejects: "see why" shows that event; "see them" lists them', async () => {
    const h = await demo();
    const r = await h.nsx(['recover', 'erp-orders', '--yes', '--no-start']);
    expect(r.code, r.stderr).toBe(0);
    const start = printedCommand(r.stdout + r.stderr, 'start it with:');
    expect(start).toEqual(['integrations', 'start', 'erp-orders']);

    await setReceiverRule(h, 'reject-events:*');
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-orders', rejected: 1 });
    const id = rejectedOnServer(h, 'erp-orders')[0]!.id;
    const retry = await h.nsx(['rejected', 'retry', 'erp-orders', '--all', '--yes']);
    expect(retry.code).toBe(6);
    const show = printedCommand(retry.stderr, 'see why:');
    expect(show).toEqual(['rejected', 'show', 'erp-orders', id]);
    const shown = await h.nsx(show);
    expect(shown.code).toBe(0);
    expect(shown.stdout + shown.stderr).toContain(id);
    const missing = await h.nsx(['rejected', 'retry', 'erp-orders']);
    expect(missing.code).toBe(2);
    const list = await h.nsx(printedCommand(missing.stderr, 'see them:'));
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);

    const started = await h.nsx(start);
    expect(started.code, started.stderr).toBe(0);
    expect(statusOf(h, 'erp-orders')).toBe('running');
  });

  it('hints of list, show and get carry the profile from NSX_PROFILE and run on their own: they list, and retry exactly what was listed', async () => {
    const h = await demo();
    const env = profileFor(h);
    const withProfile = { ...env, NSX_PROFILE: 'sandbox' };
    const get = await h.nsx(['integrations', 'get', 'no-such-thing'], { env: withProfile });
    expect(get.code).toBe(5);
    const ids = printedCommand(get.stderr, 'see the ids with:');
    expect(ids).toEqual(['--profile', 'sandbox', 'integrations', 'list']);
    const listed = await h.nsx(ids, { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('erp-orders');

    const show = await h.nsx(['rejected', 'show', 'erp-orders', 'evt-99999999'], { env: withProfile });
    expect(show.code).toBe(5);
    const them = await h.nsx(printedCommand(show.stderr, 'list them:'), { env });
    expect(them.code).toBe(0);
    expect(them.stdout.trim().split('\n')).toHaveLength(100);

    const any = await h.nsx(['rejected', 'list', 'erp-orders', '--event', 'order.created', '--fail-if-any'], { env: withProfile });
    expect(any.code).toBe(6);
    const dry = await h.nsx(printedCommand(any.stderr, 'or see what a recover would do:'), { env });
    expect(dry.code, dry.stderr).toBe(0);
    const retry = printedCommand(any.stderr, 'retry them:');
    expect(retry).toEqual(['--profile', 'sandbox', 'rejected', 'retry', 'erp-orders', '--all', '--event', 'order.created', '--yes']);
    const created = rejectedOnServer(h, 'erp-orders').filter((e) => e.event.name === 'order.created').map((e) => e.id);
    const r = await h.nsx(retry, { env });
    expect(r.code, r.stderr).toBe(0);
    expect((await receiverLog(h)).map((d) => d.event_id).sort()).toEqual(created.sort());
    expect(rejectedOnServer(h, 'erp-orders')).toHaveLength(100 - created.length);
  });
});
