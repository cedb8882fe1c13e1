// The built nsx as a long-running child (logs tail): read its output while it runs, signal it, await its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv, NSX_BIN, ROOT, type RunResult } from '../helpers/cli.js';

export interface RunningNsx {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches; rejects with both streams after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<RunResult>;
}

export function startNsx(args: string[], env: Record<string, string>): RunningNsx {
  const started = performance.now();
  const child = spawn(process.execPath, [NSX_BIN, ...args], { env: childEnv(env), cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdin!.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout: out, stderr: err, ms: performance.now() - started });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForStdout(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`stdout never matched ${pattern}\nstdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    },
  };
}
