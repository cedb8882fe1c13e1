// The built nsx in a real terminal (tmux, see ../helpers/tmux.ts): prompts, tables and TTY detection as a
// person meets them, plus nsx's exit code from the "[exit N]" line the session prints when it ends.
import { NSX_BIN, ROOT } from '../helpers/cli.js';
import { shellQuote, startTmux, type TmuxSession } from '../helpers/tmux.js';

export interface TerminalSession extends Pick<TmuxSession, 'screen' | 'waitFor' | 'close'> {
  /** Types text and presses Enter. */
  answer(text: string): void;
  /** Waits for nsx to exit and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
}

export function nsxInTerminal(args: string[], env: Record<string, string>): TerminalSession {
  // startTmux runs `env -i VARS command`: the cd needs a shell of its own.
  const command = `sh -c ${shellQuote(`cd ${shellQuote(ROOT)} && exec ${[process.execPath, NSX_BIN, ...args].map(shellQuote).join(' ')}`)}`;
  const session = startTmux(command, { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', TERM: 'screen', ...env });
  return {
    screen: session.screen,
    waitFor: session.waitFor,
    close: session.close,
    answer(text) {
      if (text) session.type(text);
      session.keys('Enter');
    },
    async exitCode(timeoutMs) {
      const text = await session.waitFor(/\[exit (\d+)\]/, timeoutMs);
      return Number(/\[exit (\d+)\]/.exec(text)![1]);
    },
  };
}
