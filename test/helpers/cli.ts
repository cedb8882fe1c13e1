// Runs the built nsx (bin/nsx.cjs -> dist/) as a child process, in an isolated environment: its own
// config/state/cache dirs, no colours, no inherited NSX_* variables. `npm test` builds dist/ first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function runNsx(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NSX_BIN, ...args], {
      env: childEnv(options.env),
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}
