// nsx stock list and stock fail where the terminal or the shell is the subject: the built CLI in a real
// terminal (tmux: the table, the confirmation), printed commands run by a POSIX shell, and the open-jobs 429
// of stock import whose fail hint is answered in a terminal. (The rest runs in-process under
// test/commands/stock/.)
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { nsxInTerminal } from '../commands/tty.js';
import { runNsx, startNsx } from '../helpers/cli.js';
import { printedCommand, printedInTerminal, runPrinted } from '../helpers/printed.js';
import { sandboxHarness } from '../helpers/sandbox.js';
import { STOCK_CSV, tsvRows, useStockJobsSandbox } from '../helpers/stock.js';

const stockJobs = useStockJobsSandbox(sandboxHarness);
const { harness, createJob, tmp, job } = stockJobs;
const rows = tsvRows;

describe('nsx stock list', () => {
  it('draws an aligned table with a header in a terminal', async () => {
    await harness();
    const id = await createJob('tty-job');
    const term = nsxInTerminal(['stock', 'list'], stockJobs.h.env);
    try {
      expect(await term.exitCode()).toBe(0);
      const screen = term.screen();
      expect(screen).toMatch(/^IMPORT_ID\s+STATE\s+NAME\s+PROVIDER\s+RECEIVED_AT\s+COMPLETED_AT\s+REASON/m);
      expect(screen).toMatch(new RegExp(`^${id}\\s+received\\s+tty-job\\s+test\\s+\\S+\\s+-\\s+-`, 'm'));
    } finally {
      term.close();
    }
  });

});

describe('nsx stock fail', () => {
  it('in a terminal it shows the job and asks; yes fails it', async () => {
    await harness();
    const id = await createJob('ask-me');
    const term = nsxInTerminal(['stock', 'fail', id, '--reason', 'asked'], stockJobs.h.env);
    try {
      const screen = await term.waitFor(new RegExp(`Fail import ${id}\\?`));
      expect(screen).toMatch(new RegExp(`Failing import ${id} \\(received, ask-me, received `));
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.close();
    }
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'asked' });
  });

});

describe('printed commands', () => {
  it('repeat the target flags of the invocation (--base-url, --token-url, --sandbox), so they act on the same API', async () => {
    await harness();
    const id = await createJob('flagged');
    const { NSX_BASE_URL: base, NSX_TOKEN_URL: tokenUrl, ...rest } = stockJobs.h.env;
    const bad = await runNsx(['--base-url', base!, '--token-url', tokenUrl!, 'stock', 'fail', 'a b', '--reason', 'x'], { env: rest });
    expect(bad.code).toBe(ExitCode.usage);
    const command = printedCommand(bad.stderr, 'see the ids with: ');
    expect(command).toBe(`nsx --base-url ${base} --token-url ${tokenUrl} stock list`);
    const hint = await runPrinted(command, rest);
    expect(hint.code, hint.stderr).toBe(0);
    expect(rows(hint.stdout).map((r) => r[0])).toEqual([id]);

    const sandboxed = await runNsx(['--sandbox', 'stock', 'fail', 'a b', '--reason', 'x'], { env: rest });
    expect(sandboxed.code).toBe(ExitCode.usage);
    const inSandbox = printedCommand(sandboxed.stderr, 'see the ids with: ');
    expect(inSandbox).toBe('nsx --sandbox stock list');
    const again = await runPrinted(inSandbox, rest);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('stock import at the open-jobs limit (429)', () => {
  it('names the open jobs and prints the commands to list them and to fail a stuck one; run as printed, the import goes through', async () => {
    await harness();
    const open: string[] = [];
    for (let i = 0; i < 20; i++) open.push(await createJob(`blocker-${i}`));
    const running = startNsx(['stock', 'import', tmp.file('t.csv', STOCK_CSV), '--range', '10-12', '--wait', '--json'], stockJobs.h.env);
    const deadline = Date.now() + 25_000;
    while (!/if one is stuck/.test(running.stderr())) {
      if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`no open-jobs message:\n${running.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stderr = running.stderr();
    expect(stderr).toMatch(/the open import jobs, oldest first \(20\):/);
    expect(stderr).toContain(`  ${open[0]}  received  since `);
    expect(stderr).toContain('blocker-4');
    expect(stderr).not.toContain('blocker-5'); // five shown, the rest by command

    const list = await runPrinted(printedCommand(stderr, 'all of them: '), stockJobs.h.env);
    expect(list.code, list.stderr).toBe(0);
    expect(rows(list.stdout).map((r) => r[0])).toEqual(open);

    const fail = printedCommand(stderr, 'fail it to free its place: ');
    expect(fail).toMatch(new RegExp(`^nsx stock fail ${open[0]} --reason '`));
    const term = printedInTerminal(fail, stockJobs.h.env);
    try {
      await term.waitFor(/Fail import .+\?/);
      term.keys('y', 'Enter');
      await term.waitFor(/\[exit 0\]/);
    } finally {
      term.close();
    }
    expect(job(open[0]!)).toMatchObject({ state: 'failed', reason: 'stuck: failed to free a place among the open import jobs' });

    const r = await running.exited;
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'finished', items: 1 });
  }, 60_000);
});
