// A command nsx prints for the user to run (a hint), rendered from the invocation in effect: the flags that
// chose the target (--sandbox, --profile, --tenant, --stage, --base-url, --token-url) are repeated, so that
// the printed command acts on the same tenant, never on a default profile's; every word is quoted for a
// POSIX shell, so it runs as printed.
import type { GlobalFlags } from './context.js';

const TARGET_FLAGS: ReadonlyArray<[keyof GlobalFlags, string]> = [
  ['profile', '--profile'],
  ['tenant', '--tenant'],
  ['stage', '--stage'],
  ['baseUrl', '--base-url'],
  ['tokenUrl', '--token-url'],
];

/** sh quoting: bare when only safe characters, else single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function nsxCommand(globals: GlobalFlags, args: string[]): string {
  const target: string[] = globals.sandbox ? ['--sandbox'] : [];
  for (const [key, flag] of TARGET_FLAGS) {
    const value = globals[key];
    if (typeof value === 'string' && value !== '') target.push(flag, value);
  }
  return ['nsx', ...target, ...args].map(shellWord).join(' ');
}
