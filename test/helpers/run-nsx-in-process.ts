// Runs nsx in this process: main(argv, io) with a fake terminal (as gh's iostreams.Test() and Wrangler's
// runWrangler do), against an in-process sandbox. It answers what the spawners in cli.ts answer (exit code,
// stdout, stderr) plus what the sandbox received, in a few milliseconds instead of a process start-up.
// The run's environment is the IO's env only (process.env is left alone), so runs with different
// environments (config dirs, profiles) may go at the same time.
// Tests whose subject is the process (the launcher, signals, a real terminal, real shells) spawn instead.
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';
import type { NsxIO } from '../../src/io.js';
import { childEnv, type RunOptions, type RunResult } from './cli.js';
import { sandboxHarness, type SandboxHarness } from './sandbox.js';
import type { SandboxOptions } from '../../src/sandbox/index.js';

/** A request the sandbox received while the command ran. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
}

export interface InProcessResult extends RunResult {
  exitCode: number;
  /** What the sandbox received during the run, in order (empty without a sandbox). */
  requests: ReceivedRequest[];
}

export interface InProcessOptions extends RunOptions {
  /** Which streams are terminals (default: none, as when piped); columns is the terminal's width. */
  tty?: { stdin?: boolean; stdout?: boolean; stderr?: boolean; columns?: number };
  /** Servers whose requests the result lists (a harness's sandbox). */
  recordFrom?: { on(event: 'request', l: (req: IncomingMessage) => void): unknown; off(event: 'request', l: (req: IncomingMessage) => void): unknown };
}

export interface RunningInProcess {
  /** Ctrl-C, as the command's IO delivers it (SIGINT for a spawned nsx). */
  interrupt(): void;
  /** A request to stop, as the command's IO delivers it (SIGTERM for a spawned nsx). */
  terminate(): void;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches; rejects with both streams after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  result: Promise<InProcessResult>;
}

export function startNsxInProcess(args: string[], options: InProcessOptions = {}): RunningInProcess {
  const started = performance.now();
  const env = childEnv(options.env);
  const tty = { stdin: false, stdout: false, stderr: false, ...options.tty };
  let out = '';
  let err = '';
  const stdout = Object.assign(new PassThrough(), { columns: tty.stdout ? (options.tty?.columns ?? 100) : undefined });
  const stderr = new PassThrough();
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const interruptHandlers = new Set<() => void>();
  const terminateHandlers = new Set<() => void>();
  let exitNow: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (exitNow = resolve));
  const io: NsxIO = {
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    stdout,
    stderr,
    env,
    isTTY: { stdin: tty.stdin, stdout: tty.stdout, stderr: tty.stderr },
    now: () => Date.now(),
    onInterrupt(handler) {
      interruptHandlers.add(handler);
      return () => void interruptHandlers.delete(handler);
    },
    onTerminate(handler) {
      terminateHandlers.add(handler);
      return () => void terminateHandlers.delete(handler);
    },
    exit: (code) => exitNow(code),
  };

  const requests: ReceivedRequest[] = [];
  const record = (req: IncomingMessage): void => void requests.push({ method: req.method ?? '', path: req.url ?? '' });
  options.recordFrom?.on('request', record);

  const result = (async (): Promise<InProcessResult> => {
    const cwd = process.cwd();
    if (options.cwd) process.chdir(options.cwd);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nsx ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000} ms\nstdout:\n${out}\nstderr:\n${err}`)), options.timeoutMs ?? 60_000);
      });
      const exitCode = await Promise.race([main(['node', 'nsx', ...args], io), exited, timeout]);
      // Let the streams deliver what was written last.
      await new Promise((resolve) => setImmediate(resolve));
      return { exitCode, code: exitCode, signal: null, stdout: out, stderr: err, ms: performance.now() - started, requests };
    } finally {
      clearTimeout(timer);
      if (options.cwd) process.chdir(cwd);
      options.recordFrom?.off('request', record);
    }
  })();

  return {
    interrupt: () => {
      for (const handler of [...interruptHandlers]) handler();
    },
    terminate: () => {
      for (const handler of [...terminateHandlers]) handler();
    },
    stdout: () => out,
    stderr: () => err,
    result,
    async waitForStdout(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void result.finally(() => (done = true)).catch(() => {});
      while (!pattern.test(out)) {
        if (Date.now() > deadline || done) throw new Error(`stdout never matched ${pattern}\nstdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return out;
    },
  };
}

/** Runs `nsx <args>` in-process and returns its exit code, stdout, stderr and the requests recorded. */
export function runNsxInProcess(args: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  return startNsxInProcess(args, options).result;
}

export interface InProcessSandboxHarness extends Omit<SandboxHarness, 'nsx'> {
  /** Runs nsx in-process against the sandbox (the requests it sent are in the result). */
  nsx(args: string[], options?: InProcessOptions): Promise<InProcessResult>;
  /** Starts nsx in-process against the sandbox, for commands that run until interrupted. */
  start(args: string[], options?: InProcessOptions): RunningInProcess;
}

/** sandboxHarness (./sandbox.ts) whose nsx runs in this process. */
export async function inProcessSandbox(options: SandboxOptions = {}): Promise<InProcessSandboxHarness> {
  const h = await sandboxHarness(options);
  const withSandbox = (runOptions: InProcessOptions = {}): InProcessOptions => ({
    recordFrom: h.sandbox.server,
    ...runOptions,
    env: { ...h.env, ...runOptions.env },
  });
  return {
    ...h,
    nsx: (args, runOptions) => runNsxInProcess(args, withSandbox(runOptions)),
    start: (args, runOptions) => startNsxInProcess(args, withSandbox(runOptions)),
  };
}
