// nsx runs resume: recover --resume by another name (the same handler): the command runs show prints is
// run as printed, and what it refuses is refused before any request.
import { afterEach, describe, expect, it } from 'vitest';
import type { InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { journalLines, printedCommand, rejectedOnServer, setReceiverRule, statusOf } from '../recover/recover-sandbox.js';
import { demoSandbox, RUN_ID, writeJournal, writeLock } from './runs-sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const retries = (r: { requests: Array<{ method: string; path: string }> }) => r.requests.filter((q) => q.method === 'POST' && q.path.includes('/_retry')).length;

describe('nsx runs resume', () => {
  it('runs the resume command runs show prints: asks (exit 3 without a terminal, nothing sent), then with --yes finishes the run and starts the integration', async () => {
    h = await demoSandbox('reject-events:order.items_cancelled');
    const stop = await h.nsx(['recover', 'erp-orders', '--yes', '--watch', '0']);
    expect(stop.code, stop.stderr).toBe(6);
    const runId = RUN_ID.exec(stop.stderr)![0];
    await setReceiverRule(h, 'accept-all'); // the fix is deployed

    const shown = await h.nsx(['runs', 'show', runId]);
    const resume = printedCommand(shown.stdout, 'resume:');
    expect(resume).toEqual(['runs', 'resume', runId]);

    const asked = await h.nsx(resume);
    expect(asked.code, asked.stderr).toBe(3);
    expect(asked.stderr).toContain(`Resuming run ${runId}`);
    expect(asked.stderr).toContain('confirmation needed and no terminal to ask in: pass --yes to go ahead');
    expect(retries(asked)).toBe(0);

    const done = await h.nsx([...resume, '--yes', '--watch', '0', '--output', 'json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ run_id: runId, started: true, results: { remaining: 0 } });
    expect(rejectedOnServer(h, 'erp-orders')).toEqual([]);
    expect(statusOf(h, 'erp-orders')).toBe('running');
    // The same journal, continued (a resume phase), now finished.
    const journal = JSON.parse((await h.nsx(['runs', 'show', runId, '--json'])).stdout);
    expect(journal).toMatchObject({ status: 'finished', outcome: 'completed', resumable: false, resume_command: null });
    expect(journalLines(journal.journal).filter((l) => l.type === 'phase').map((l) => l.phase)).toContain('resume');

    // Ended now: nothing to resume (exit 7), and no request.
    const again = await h.nsx([...resume, '--yes']);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain(`run ${runId} already ended (completed): there is nothing to resume`);
    expect(again.requests).toEqual([]);
    // Its hint runs as printed.
    const anew = await h.nsx(printedCommand(again.stderr, 'plan anew with:'));
    expect(anew.code, anew.stderr).toBe(0);
    expect(anew.stderr).toContain('nothing to recover');
  });

  it('refuses a running run, a triage session, another tenant\'s run, a bad id (exit 2) and an unknown one (exit 5), before any request', async () => {
    h = await demoSandbox();
    const state = h.env.NSX_STATE_DIR!;
    writeJournal(state, { runId: '20261121T081502Z-bbbb', events: [['e1', 'delivered']] });
    writeLock(state, { runId: '20261121T081502Z-bbbb', pid: process.pid });
    writeJournal(state, { runId: '20261120T081502Z-aaaa', integration: 'pos-sync', source: 'triage', end: { outcome: 'interrupted', resumable: false, exit_code: 130 } });
    writeJournal(state, { runId: '20261119T081502Z-cccc', tenant: 'acme', integration: 'pos-sync' });
    const cases: Array<[string[], number, string]> = [
      [['runs', 'resume', '20261121T081502Z-bbbb', '--yes'], 7, `run 20261121T081502Z-bbbb is running: pid ${process.pid}`],
      [['runs', 'resume', '20261120T081502Z-aaaa', '--yes'], 7, 'is a rejected triage session: only recover runs are resumed'],
      [['runs', 'resume', '20261119T081502Z-cccc', '--yes'], 2, 'run 20261119T081502Z-cccc is a run of tenant acme; this command targets tenant sandbox'],
      [['runs', 'resume', 'latest', '--yes'], 2, '"latest" is not a run id'],
      [['runs', 'resume', '20261118T081502Z-dddd', '--yes'], 5, 'no run 20261118T081502Z-dddd in '],
      [['runs', 'resume', '20261121T081502Z-bbbb', '--watch', 'soon'], 2, '--watch: "soon" is not a duration'],
    ];
    const running = await h.nsx(cases[0]![0]);
    const watch = await h.nsx(printedCommand(running.stderr, 'watch it with:'));
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stdout).toContain(`running (pid ${process.pid}`);
    for (const [args, code, text] of cases) {
      const r = await h.nsx(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toContain(text);
      expect(r.requests).toEqual([]);
    }
  });
});
