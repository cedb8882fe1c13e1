// Runs a command line exactly as nsx printed it (a hint), through a POSIX shell whose PATH finds `nsx` as
// the built CLI: the test proves the hint runs as printed, quoting included.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, NSX_BIN, ROOT, type RunResult } from './cli.js';
import { runNsxInProcess, type InProcessResult } from './run-nsx-in-process.js';
import { startTmux, type TmuxSession } from './tmux.js';

let shimDir: string | undefined;
/** A directory holding an `nsx` that runs the built CLI with this Node. */
function nsxShimDir(): string {
  if (!shimDir) {
    shimDir = mkdtempSync(join(tmpdir(), 'nsx-shim-'));
    const shim = join(shimDir, 'nsx');
    writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${NSX_BIN}' "$@"\n`);
    chmodSync(shim, 0o755);
  }
  return shimDir;
}

/** Extracts the command after `marker` on its line of `text` (the rest of that line). */
export function printedCommand(text: string, marker: string): string {
  const line = text.split('\n').find((l) => l.includes(marker));
  if (!line) throw new Error(`no line with "${marker}" in:\n${text}`);
  const command = line.slice(line.indexOf(marker) + marker.length).trim();
  if (!command.startsWith('nsx ')) throw new Error(`"${command}" is not an nsx command`);
  return command;
}

/** Runs the printed command line with sh, no terminal. */
export function runPrinted(command: string, env: Record<string, string | undefined>): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      env: childEnv({ ...env, PATH: `${nsxShimDir()}:${process.env.PATH ?? ''}` }),
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end();
  });
}

/**
 * Runs the printed command line in-process (no build needed): a POSIX shell parses it exactly as a user's
 * would (quoting, $VARIABLES from `env`) and hands the words to a function in place of `nsx`; nsx then runs
 * with those arguments and `env`. For in-process command tests; runPrinted spawns the built CLI.
 */
export function runPrintedInProcess(command: string, env: Record<string, string | undefined>): Promise<InProcessResult> {
  if (!command.startsWith('nsx ')) throw new Error(`"${command}" is not an nsx command`);
  const words = spawnSync('/bin/sh', ['-c', `nsx() { printf '%s\\0' "$@"; }; ${command}`], { env: childEnv(env), encoding: 'utf8' });
  if (words.status !== 0) throw new Error(`sh could not parse "${command}": ${words.stderr}`);
  return runNsxInProcess(words.stdout.split('\0').slice(0, -1), { env });
}

/** Runs the printed command line in a real terminal (for hints that ask before acting). */
export function printedInTerminal(command: string, env: Record<string, string>): TmuxSession {
  return startTmux(`sh -c ${`'${command.replace(/'/g, `'\\''`)}'`}`, {
    PATH: `${nsxShimDir()}:${process.env.PATH ?? ''}`,
    LANG: 'C.UTF-8',
    TERM: 'screen',
    ...env,
  });
}
