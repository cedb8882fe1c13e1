// `nsx sandbox start` and `nsx sandbox receiver` run until they are asked to stop: Ctrl-C or SIGTERM as the
// run's IO delivers them (a spawned nsx gets them as signals: test/e2e/sandbox-cli.test.ts, test/e2e/truths).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { startNsxInProcess } from '../../helpers/run-nsx-in-process.js';

let home: IsolatedHome | undefined;
afterEach(() => home?.cleanup());

describe('stopping the long-running sandbox verbs', () => {
  it('sandbox start stops on SIGTERM, saves its state and writes the profile into the run\'s config dir', async () => {
    home = isolatedHome();
    const state = join(home.dir, 'sandbox.json');
    const run = startNsxInProcess(['sandbox', 'start', '--port', '0', '--no-receiver', '--state', state, '--json'], { env: home.env });
    await run.waitForStdout(/"base_?[uU]rl"/);
    run.terminate();
    const r = await run.result;
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toContain(`sandbox stopped; state saved to ${state}`);
    expect(existsSync(state)).toBe(true);
    expect(readFileSync(join(home.env.NSX_CONFIG_DIR!, 'config.json'), 'utf8')).toContain('"sandbox"');
  });

  it('sandbox receiver stops on SIGTERM and on Ctrl-C', async () => {
    home = isolatedHome();
    for (const stop of ['terminate', 'interrupt'] as const) {
      const run = startNsxInProcess(['sandbox', 'receiver', '--port', '0'], { env: home.env });
      const deadline = Date.now() + 10_000;
      while (!run.stderr().includes('listening on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      run[stop]();
      const r = await run.result;
      expect(r.code, r.stderr).toBe(ExitCode.ok);
      expect(r.stderr).toContain('receiver stopped after 0 deliveries');
    }
  });
});
