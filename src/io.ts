// The terminal a command runs in, injected: its streams, which of them are terminals, its environment,
// its clock, and Ctrl-C. bin/nsx.cjs runs nsx with the process's (processIO); tests hand main() streams of
// their own and run commands in-process (test/helpers/run-nsx-in-process.ts), as gh's iostreams.Test() does.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface NsxIO {
  stdin: NodeJS.ReadableStream;
  /** `columns` is the terminal's width when stdout is one (tables fit it). */
  stdout: NodeJS.WritableStream & { columns?: number | undefined };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Which streams are terminals: colours, tables, spinners and prompts follow from these. */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `handler` on each Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Calls `handler` when asked to stop (SIGTERM) until the returned function is called. */
  onTerminate?(handler: () => void): () => void;
  /** Ends at once with `code` (a second Ctrl-C does not wait for the command). */
  exit(code: number): void;
  /** The run's command line as process.argv holds it (node, script, args...); main() fills it in. */
  argv?: readonly string[];
}

/** The process's terminal (bin/nsx.cjs turns EPIPE on stdout into a quiet exit 0). */
export function processIO(): NsxIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: { stdin: Boolean(process.stdin.isTTY), stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
    now: () => Date.now(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
    onTerminate(handler) {
      process.on('SIGTERM', handler);
      return () => void process.off('SIGTERM', handler);
    },
    exit: (code) => process.exit(code),
  };
}

// Code below the command context (reading piped input in src/input/) reaches the running command's IO
// through this, not through process.stdin: two commands run in one process each see their own.
const running = new AsyncLocalStorage<NsxIO>();

export function withIO<T>(io: NsxIO, fn: () => T): T {
  return running.run(io, fn);
}

/** The IO of the command running in this async context; the process's outside one. */
export function currentIO(): NsxIO {
  return running.getStore() ?? processIO();
}
