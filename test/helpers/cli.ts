// Runs the built nsx (bin/nsx.cjs -> dist/) as a child process, in an isolated environment: its own
// config/state/cache dirs, no colours, no inherited NSX_* variables. `npm run test:e2e` builds dist/ first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './poll.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const NSX_BIN = join(ROOT, 'bin', 'nsx.cjs');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

/** A private home for one test: config, state and cache dirs, removed by cleanup(). */
export interface IsolatedHome {
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function isolatedHome(): IsolatedHome {
  const dir = mkdtempSync(join(tmpdir(), 'nsx-test-'));
  return {
    dir,
    env: {
      HOME: dir,
      NSX_CONFIG_DIR: join(dir, 'config'),
      NSX_STATE_DIR: join(dir, 'state'),
      NSX_CACHE_DIR: join(dir, 'cache'),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Environment for a child: PATH and the given variables, nothing of the parent's NSX_*, proxies or CI. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1', TERM: 'dumb', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** The built nsx as a child: read its output while it runs, signal it, await its exit. */
export interface RunningNsx {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches; rejects with both streams after `timeoutMs` or when the child exits. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<RunResult>;
}

/** Starts the built nsx (killed after `timeoutMs`, default 60 s); the one spawner of the tests. */
export function startNsx(args: string[], env: Record<string, string | undefined> = {}, options: Omit<RunOptions, 'env'> = {}): RunningNsx {
  const started = performance.now();
  const child = spawn(process.execPath, [NSX_BIN, ...args], { env: childEnv(env), cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout: out, stderr: err, ms: performance.now() - started });
    });
  });
  child.stdin.end(options.input ?? '');
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout: (pattern, timeoutMs = 15_000) =>
      waitFor(() => (pattern.test(out) ? out : undefined), timeoutMs, `stdout to match ${pattern}`, {
        intervalMs: 50,
        giveUpIf: () => child.exitCode !== null,
        detail: () => `stdout:\n${out}\nstderr:\n${err}`,
      }),
  };
}

export function runNsx(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { env, ...rest } = options;
  return startNsx(args, env, rest).exited;
}
