// Runs the built nsx in a real terminal: a tmux session on a private tmux server (its own socket, killed
// by close()), so prompts, tables and TTY detection are exercised as a person meets them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NSX_BIN, ROOT } from '../helpers/cli.js';

export interface TerminalSession {
  /** Types text (tmux send-keys -l) and optionally presses Enter. */
  type(text: string, enter?: boolean): void;
  /** The whole screen and scrollback as plain text. */
  screen(): string;
  /** Waits until the screen matches; returns the screen. Fails with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for nsx to exit and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): void;
}

let sessions = 0;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function nsxInTerminal(args: string[], env: Record<string, string>): TerminalSession {
  const socket = `nsx-test-${process.pid}-${++sessions}`;
  const dir = mkdtempSync(join(tmpdir(), 'nsx-tty-'));
  const script = join(dir, 'run.sh');
  const exports = Object.entries({ PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', ...env })
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join('\n');
  writeFileSync(
    script,
    `${exports}\ncd ${quote(ROOT)}\n${quote(process.execPath)} ${quote(NSX_BIN)} ${args.map(quote).join(' ')}\necho "[nsx exited $?]"\nsleep 600\n`,
  );
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'nsx', `sh ${quote(script)}`);
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'nsx', '-S', '-200');
  const waitFor = async (pattern: RegExp, timeoutMs = 15_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    type(text, enter = true) {
      if (text) tmux('send-keys', '-t', 'nsx', '-l', text);
      if (enter) tmux('send-keys', '-t', 'nsx', 'Enter');
    },
    screen,
    waitFor,
    async exitCode(timeoutMs) {
      const text = await waitFor(/\[nsx exited (\d+)\]/, timeoutMs);
      return Number(/\[nsx exited (\d+)\]/.exec(text)![1]);
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
