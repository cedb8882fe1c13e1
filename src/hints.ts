// Every nsx command that nsx prints for a person to type next (a hint, a resume command, an "equivalent
// command") is built here, by nsxCommand, from the invocation in effect: the same profile, --sandbox and
// target flags, so the command reaches what this one reached and runs as printed. The command context
// records the invocation once per run (setInvocation); code below it (workflows, the API client) only
// names the words after `nsx`.

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

let prefixWords: string[] = [];

/**
 * Records the invocation the hints repeat. A profile chosen by NSX_PROFILE is written out as --profile:
 * `NSX_PROFILE=x nsx ...` sets it for one command only, and the hint must work when typed on its own.
 */
export function setInvocation(flags: InvocationFlags, env: NodeJS.ProcessEnv = process.env): void {
  const words: string[] = [];
  if (flags.sandbox) words.push('--sandbox');
  const profile = flags.profile || (flags.sandbox ? undefined : env.NSX_PROFILE) || undefined;
  if (profile) words.push('--profile', profile);
  if (flags.tenant) words.push('--tenant', flags.tenant);
  if (flags.stage) words.push('--stage', flags.stage);
  if (flags.baseUrl) words.push('--base-url', flags.baseUrl);
  if (flags.tokenUrl) words.push('--token-url', flags.tokenUrl);
  if (flags.timeout) words.push('--timeout', flags.timeout);
  prefixWords = words;
}

export type CommandWord = string | number | false | null | undefined | readonly string[];

/**
 * `nsx <global flags in effect> <words>`, each word quoted for a POSIX shell when it needs it. Falsy words
 * are left out and arrays are spread, so optional flags read naturally: nsxCommand('recover', id, yes && '--yes').
 */
export function nsxCommand(...words: CommandWord[]): string {
  const flat: string[] = [];
  for (const w of words) {
    if (w === false || w === null || w === undefined) continue;
    if (Array.isArray(w)) flat.push(...(w as readonly string[]));
    else flat.push(String(w));
  }
  return ['nsx', ...prefixWords, ...flat].map(shellQuote).join(' ');
}

/** A word ready for a POSIX shell command line: left as is when it is plain, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
