// Every nsx command that nsx prints for a person to type next (a hint, a resume command, an "equivalent
// command") is built here, from the invocation in effect: the same profile, --sandbox and target flags, so
// the command reaches what this one reached and runs as printed. A handler builds it with ctx.command(...)
// (src/commands/context.ts); code below the context (workflows, the API client, input parsing) calls
// nsxCommand(...), which reads the words of the invocation running in its async context (each command
// run, in-process tests included, has its own; nothing is shared between two runs).
import { AsyncLocalStorage } from 'node:async_hooks';

/** The global flags that choose where a command goes (as commander parses them). */
export interface InvocationFlags {
  sandbox?: boolean | undefined;
  profile?: string | undefined;
  tenant?: string | undefined;
  stage?: string | undefined;
  baseUrl?: string | undefined;
  tokenUrl?: string | undefined;
  timeout?: string | undefined;
}

/**
 * The global words every printed command repeats. A profile chosen by NSX_PROFILE is written out as
 * --profile: `NSX_PROFILE=x nsx ...` sets it for one command only, and the hint must work when typed on its own.
 */
export function invocationWords(flags: InvocationFlags, env: NodeJS.ProcessEnv): readonly string[] {
  const words: string[] = [];
  if (flags.sandbox) words.push('--sandbox');
  const profile = flags.profile || (flags.sandbox ? undefined : env.NSX_PROFILE) || undefined;
  if (profile) words.push('--profile', profile);
  if (flags.tenant) words.push('--tenant', flags.tenant);
  if (flags.stage) words.push('--stage', flags.stage);
  if (flags.baseUrl) words.push('--base-url', flags.baseUrl);
  if (flags.tokenUrl) words.push('--token-url', flags.tokenUrl);
  if (flags.timeout) words.push('--timeout', flags.timeout);
  return words;
}

const running = new AsyncLocalStorage<readonly string[]>();

/** Runs `fn` with `words` (invocationWords) as the prefix of the commands nsxCommand builds inside it. */
export function withInvocation<T>(words: readonly string[], fn: () => T): T {
  return running.run(words, fn);
}

export type CommandWord = string | number | false | null | undefined | readonly string[];

/**
 * `nsx <global flags in effect> <words>`, each word quoted for a POSIX shell when it needs it. Falsy words
 * are left out and arrays are spread, so optional flags read naturally: nsxCommand('recover', id, yes && '--yes').
 */
export function nsxCommand(...words: CommandWord[]): string {
  return commandLine(running.getStore() ?? [], words);
}

/** `nsx <prefix> <words>` as nsxCommand renders it, for a prefix given explicitly. */
export function commandLine(prefix: readonly string[], words: readonly CommandWord[]): string {
  const flat: string[] = [];
  for (const w of words) {
    if (w === false || w === null || w === undefined) continue;
    if (Array.isArray(w)) flat.push(...(w as readonly string[]));
    else flat.push(String(w));
  }
  return ['nsx', ...prefix, ...flat].map(shellQuote).join(' ');
}

/** A word ready for a POSIX shell command line: left as is when it is plain, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
