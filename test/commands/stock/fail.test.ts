// nsx stock fail, run in-process against an in-process sandbox, asserting exit codes, stdout, stderr, what
// the server received and holds afterwards. (The confirmation in a real terminal:
// test/e2e/stock-jobs.e2e.test.ts.)
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { waitFor } from '../../helpers/poll.js';
import { inProcessSandbox } from '../../helpers/run-nsx-in-process.js';
import { STOCK_CSV, tsvRows, useStockJobsSandbox } from '../../helpers/stock.js';
import { printedCommand as printedWords } from '../recover/recover-sandbox.js';

const stockJobs = useStockJobsSandbox(inProcessSandbox);
const { harness, createJob, received, tmp, job, failCalls } = stockJobs;
const rows = tsvRows;

describe('nsx stock fail', () => {
  it('fails a received job with the reason (json), which frees its open place', async () => {
    await harness();
    const id = await createJob('stuck-one');
    const r = await stockJobs.h.nsx(['stock', 'fail', id, '--reason', 'stuck since Monday', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ import_id: id, state: 'failed', reason: 'stuck since Monday', name: 'stuck-one' });
    expect(r.stderr).toMatch(/its place among the 20 open jobs is freed/);
    expect(failCalls()).toEqual([`POST /v0/d/import/${id}/set_fail`]);
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'stuck since Monday' });
    expect(job(id).completed_at).toEqual(expect.any(String));
    expect(stockJobs.h.sandbox.core.imports.openJobs()).toBe(0);
  });

  it('fails a job being processed: no stock is applied', async () => {
    await harness({ timeScale: 2 }); // pickup 1 s, processing 2.5 s: the fail below lands well inside it
    const started = await stockJobs.h.nsx(['stock', 'import', tmp.file('p.csv', STOCK_CSV), '--range', '1-2', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const id = JSON.parse(started.stdout).import_id as string;
    const deadline = Date.now() + 10_000;
    while (job(id).state !== 'processing') {
      if (Date.now() > deadline) throw new Error(`never processing: ${job(id).state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const r = await stockJobs.h.nsx(['stock', 'fail', id, '--reason', 'wrong counts', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^state +failed$/m);
    // Past the end of its processing: the sandbox's (serial) import processor is idle again.
    const processor = stockJobs.h.sandbox.core.imports as unknown as { busy: boolean };
    await waitFor(() => !processor.busy, 10_000, 'the import processor to finish the job', { intervalMs: 50 });
    expect(job(id)).toMatchObject({ state: 'failed', reason: 'wrong counts' });
    const { stock } = await stockJobs.h.admin<{ stock: Array<{ on_hand: number }> }>('GET', '/_sandbox/stock?product_id=10000102&fulfillment_node_id=DC01');
    expect(stock.every((s) => s.on_hand !== 17)).toBe(true);
  }, 30_000);

  it('a failed job is left as it is (exit 0); a finished one cannot be failed (exit 7); neither is sent', async () => {
    await harness();
    const id = await createJob('x');
    expect((await stockJobs.h.nsx(['stock', 'fail', id, '--reason', 'first', '--yes'])).code).toBe(0);
    received.length = 0;
    const again = await stockJobs.h.nsx(['stock', 'fail', id, '--reason', 'second', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/has already failed: nothing to do/);
    expect(job(id).reason).toBe('first');

    const finished = JSON.parse((await stockJobs.h.nsx(['stock', 'import', tmp.file('f.csv', STOCK_CSV), '--range', '1-2', '--wait', '--json'])).stdout).import_id as string;
    const r = await stockJobs.h.nsx(['stock', 'fail', finished, '--reason', 'too late', '--yes']);
    expect(r.code).toBe(ExitCode.precondition);
    expect(r.stderr).toMatch(/^error: import .+ has finished: a finished job cannot be set to failed; nothing was sent$/m);
    expect(job(finished).state).toBe('finished');
    expect(failCalls()).toEqual([]);
  });

  it.each([
    ['no --reason', ['--yes'], ExitCode.usage, /--reason TEXT is required/],
    ['a blank --reason', ['--reason', '   ', '--yes'], ExitCode.usage, /--reason: /],
    ['a --reason of 1001 characters', ['--reason', 'x'.repeat(1001), '--yes'], ExitCode.usage, /--reason: .*1 to 1000 characters/],
    ['no --yes and no terminal', ['--reason', 'no terminal'], ExitCode.confirmation, /pass --yes to go ahead/],
  ])('%s: refused, the job unchanged, no set_fail', async (_label, args, code, message) => {
    await harness();
    const id = await createJob('keep-me');
    received.length = 0;
    const r = await stockJobs.h.nsx(['stock', 'fail', id, ...(args as string[])]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
    expect(job(id).state).toBe('received');
    expect(failCalls()).toEqual([]);
    if (code === ExitCode.usage) expect(received).toEqual([]); // nothing at all was sent
  });

  it('a bad id is exit 2 with nothing sent (its hint runs as printed); an unknown one exit 5', async () => {
    await harness();
    const bad = await stockJobs.h.nsx(['stock', 'fail', 'a/b', '--reason', 'x', '--yes']);
    expect(bad.code).toBe(ExitCode.usage);
    expect(received).toEqual([]);
    const id = await createJob('listed');
    const hint = await stockJobs.h.nsx(printedWords(bad.stderr, 'see the ids with: ')); // as printed, in shell words
    expect(hint.code, hint.stderr).toBe(0);
    expect(rows(hint.stdout).map((r) => r[0])).toEqual([id]);
    // ".." is one of those (it would name the import list itself): refused as typed, nothing sent.
    const sent = received.length;
    for (const args of [['stock', 'fail', '..', '--reason', 'x', '--yes'], ['stock', 'status', '%2e%2e']]) {
      const dots = await stockJobs.h.nsx(args);
      expect(dots.code, args.join(' ')).toBe(ExitCode.usage);
      expect(dots.stderr).toMatch(/import id .* is not valid: .*enclosing path/);
    }
    expect(received.length, 'nothing sent').toBe(sent);
    const unknown = await stockJobs.h.nsx(['stock', 'fail', 'imp-nope', '--reason', 'x', '--yes']);
    expect(unknown.code).toBe(ExitCode.notFound);
    expect(failCalls()).toEqual([]);
  });
});

