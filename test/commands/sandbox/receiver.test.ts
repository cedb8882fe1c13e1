// nsx sandbox receiver as a receiver to check: correct by default (it makes an api key when given none,
// kept in an owner-only file whose path it prints, never the key), and its fault rules fail the check
// made for them. The printed check command is run as printed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { runNsxInProcess, startNsxInProcess } from '../../helpers/run-nsx-in-process.js';

async function listening(run: ReturnType<typeof startNsxInProcess>): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!/listening on (http:\/\/\S+)/.test(run.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return /listening on (http:\/\/\S+)/.exec(run.stderr())![1]!;
}

describe('nsx sandbox receiver', () => {
  it('without a key makes one in an owner-only file, and passes the check it prints', async () => {
    const run = startNsxInProcess(['sandbox', 'receiver', '--port', '0']);
    await listening(run);
    const hint = /check it: nsx (receiver check \S+ --api-key-file (\S+))/.exec(run.stderr());
    expect(hint, run.stderr()).not.toBeNull();
    const keyFile = hint![2]!;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    const r = await runNsxInProcess(hint![1]!.split(' '));
    expect(r.exitCode, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout.trim().split('\n').filter((l) => l.startsWith('PASS'))).toHaveLength(7);
    run.terminate();
    const done = await run.result;
    expect(done.code).toBe(ExitCode.ok);
    expect(done.stdout + done.stderr + r.stdout + r.stderr).not.toContain(key);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('with --rule dup-as-error fails the duplicate check', async () => {
    const env = { K: 'sandbox-receiver-test-key' };
    const run = startNsxInProcess(['sandbox', 'receiver', '--port', '0', '--api-key-env', 'K', '--rule', 'dup-as-error'], { env });
    const url = await listening(run);
    const r = await runNsxInProcess(['receiver', 'check', `${url}/hook`, '--api-key-env', 'K', '--count', '2', '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(ExitCode.partial);
    const report = JSON.parse(r.stdout) as { checks: { key: string; status: string }[] };
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.key)).toEqual(['duplicate']);
    run.terminate();
    expect((await run.result).stdout).toMatch(/  409  /);
  });
});
