// Drives a program in a real terminal: a private tmux server (its own socket, killed afterwards), keys
// typed with send-keys, the screen read with capture-pane. For prompts and shell completion tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { waitFor } from './poll.js';

export function which(program: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export const TMUX = which('tmux');

let sessions = 0;

/** sh single-quoting, for building the command line tmux runs. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface TmuxSession {
  /** The visible screen, trailing blank lines dropped. */
  screen(): string;
  /** The same with wrapped lines joined (a long command line reads as one line). */
  joinedScreen(): string;
  /** Types text literally (no key names). */
  type(text: string): void;
  /** Sends tmux key names: Tab, Enter, C-c. */
  keys(...keys: string[]): void;
  /** Waits until the screen matches; throws with the screen when it does not in time. */
  waitFor(expected: string | RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

/**
 * Starts `command` (a shell command line) in a fresh tmux server with exactly `env` (env -i), in a
 * 160x40 terminal. When the command ends, "[exit N]" is printed and the pane stays for reading.
 */
export function startTmux(command: string, env: Record<string, string>): TmuxSession {
  if (!TMUX) throw new Error('tmux is not installed');
  const socket = `nsx-test-${process.pid}-${++sessions}`;
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
  const line = `env -i ${assignments} ${command}; echo "[exit $?]"; sleep 300`;
  // The pane outlives the command for reading its last screen; close() ends the server (and `sleep` caps a leak).
  tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '40', line);
  const screen = () => tmux('capture-pane', '-p', '-t', 'main').replace(/\s+$/, '');
  return {
    screen,
    joinedScreen: () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main').replace(/\s+$/, ''),
    type: (text) => void tmux('send-keys', '-t', 'main', '-l', text),
    keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    waitFor: (expected, timeoutMs = 15_000) =>
      waitFor(
        () => {
          const text = screen();
          return (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) ? text : undefined;
        },
        timeoutMs,
        `the terminal to show ${String(expected)}`,
        { intervalMs: 50, detail: () => `screen:\n${screen()}` },
      ),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        /* already gone */
      }
    },
  };
}
