// Confirmations and questions. Only here does nsx talk to a person on stdin; inquirer loads on first use.
import { ConfirmationError, InterruptedError } from '../errors.js';
import { currentIO } from '../io.js';
import type { Output } from './output.js';
import { printable } from './printable.js';

export interface ConfirmOptions {
  /** --yes was given */
  yes?: boolean | undefined;
  /** What to pass to skip the question, named in the error when no one can answer it. */
  flag?: string;
  default?: boolean;
}

/**
 * Asks yes/no; --yes skips it. Without a terminal it fails (exit 3) naming the flag. Declining exits 3;
 * Ctrl-C at the prompt exits 130, as everywhere else.
 */
export async function confirm(output: Output, question: string, options: ConfirmOptions = {}): Promise<void> {
  if (options.yes) return;
  const flag = options.flag ?? '--yes';
  if (!output.canPrompt) {
    throw new ConfirmationError(`confirmation needed and no terminal to ask in: pass ${flag} to go ahead`);
  }
  const { confirm: ask } = await import('@inquirer/prompts');
  const ok = await withPromptErrors(() => ask({ message: printable(question), default: options.default ?? false }, promptStreams(output)));
  if (!ok) throw new ConfirmationError('cancelled: nothing was changed');
}

/** For severe actions: the user types `expected` (an id) to go ahead. --yes skips it non-interactively. */
export async function confirmByTyping(output: Output, question: string, expected: string, options: ConfirmOptions = {}): Promise<void> {
  if (options.yes) return;
  const flag = options.flag ?? '--yes';
  if (!output.canPrompt) {
    throw new ConfirmationError(`confirmation needed and no terminal to ask in: pass ${flag} to go ahead`);
  }
  const { input } = await import('@inquirer/prompts');
  const typed = await withPromptErrors(() => input({ message: printable(`${question}\n  Type ${expected} to confirm:`) }, promptStreams(output)));
  if (typed.trim() !== expected) throw new ConfirmationError(`cancelled: you typed "${typed.trim()}", not ${expected}; nothing was changed`);
}

export async function askText(output: Output, message: string, options: { default?: string; flag: string }): Promise<string> {
  if (!output.canPrompt) throw new ConfirmationError(`${message}: no terminal to ask in; pass ${options.flag}`);
  const { input } = await import('@inquirer/prompts');
  return withPromptErrors(() =>
    input({ message: printable(message), ...(options.default !== undefined ? { default: options.default } : {}), required: true }, promptStreams(output)),
  );
}

export async function askSecret(output: Output, message: string, options: { flag: string }): Promise<string> {
  if (!output.canPrompt) throw new ConfirmationError(`${message}: no terminal to ask in; ${options.flag}`);
  const { password } = await import('@inquirer/prompts');
  return withPromptErrors(() => password({ message: printable(message), mask: true, validate: (v) => v.length > 0 || 'required' }, promptStreams(output)));
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/**
 * A menu. Names and descriptions may be server text: shown with their control characters escaped. Ctrl-C
 * rejects with the prompt's own interrupt (see isPromptInterrupt), so that a session can end with its
 * summary; the caller has checked that there is a terminal.
 */
export async function choose<T>(message: string, choices: readonly Choice<T>[], options: { pageSize?: number } = {}): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  const shown = choices.map((c) => ({ ...c, name: printable(c.name), ...(c.description === undefined ? {} : { description: printable(c.description) }) }));
  return select({ message: printable(message), choices: shown, pageSize: options.pageSize ?? 12, loop: false }, promptStreams());
}

/** A yes/no question inside a session: an answer either way, no exit; Ctrl-C rejects as in choose. */
export async function askYesNo(message: string, defaultAnswer: boolean): Promise<boolean> {
  const { confirm: ask } = await import('@inquirer/prompts');
  return ask({ message: printable(message), default: defaultAnswer }, promptStreams());
}

/**
 * Prompts read the command's stdin and draw on its stderr, so that stdout stays data. Without an Output,
 * the streams of the command running in this async context (currentIO).
 */
export function promptStreams(output?: Output): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
  const io = currentIO();
  return { input: output?.term.stdin ?? io.stdin, output: output?.term.stderr ?? io.stderr };
}

/** Whether inquirer ended a prompt because of Ctrl-C (in raw mode it is a key, not a SIGINT). */
export function isPromptInterrupt(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/**
 * Ctrl-C inside a prompt is an interrupt (exit 130), like Ctrl-C anywhere else; only an answered "no"
 * (or a prompt that cannot be shown) is a declined confirmation (exit 3).
 */
export async function withPromptErrors<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (isPromptInterrupt(error)) throw new InterruptedError('interrupted at the prompt: nothing was changed');
    throw error;
  }
}
