// nsx stock import, the process interrupted: Ctrl-C (SIGINT) of the built CLI while it waits. (Everything
// else of stock import runs in-process: test/commands/stock/import.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { startNsx } from '../helpers/cli.js';
import { waitFor } from '../helpers/poll.js';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import { tempDir, type TempDir } from '../helpers/stock.js';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STOCK_CSV = 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n';

describe('nsx stock import (spawned)', () => {
  it('Ctrl-C while waiting: exit 130, the job goes on, and how to follow it', async () => {
    h = await sandboxHarness({ scenario: 'empty', timeScale: 1 });
    const file = tmp.file('interrupted.csv', STOCK_CSV);
    const running = startNsx(['stock', 'import', file, '--range', '1-2', '--wait'], h.env);
    await waitFor(() => /started import (\S+)/.test(running.stderr()), 20_000, 'the import to start', { intervalMs: 50, giveUpIf: () => running.child.exitCode !== null, detail: running.stderr });
    const importId = /started import (\S+)/.exec(running.stderr())![1]!;
    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code).toBe(ExitCode.interrupted);
    expect(r.stderr).toContain(`nsx stock status ${importId} --wait`);
    expect(h.sandbox.state.imports.get(importId)?.transformed_uri).toBeTruthy(); // started, not left half-made
  });

});
