// An unknown integration id (a not-found about one integration, exit 5) gets "did you mean erp-orders?"
// with the same command line, the id corrected, runnable as printed: the close ids come from the id cache
// of the profile the command used (written by `nsx integrations list`). Loaded only when a command failed.
import { cachedIntegrationIds } from '../config/id-cache.js';
import { NotFoundError } from '../errors.js';
import { closestMatch } from '../input/did-you-mean.js';
import type { CommandContext } from './context.js';

/** The global flags ctx.command repeats itself (hints.ts invocationWords): left out of the words given to it. */
const TARGET_FLAGS_WITH_VALUE = new Set(['--profile', '--tenant', '--stage', '--base-url', '--token-url', '--timeout']);

/** The words after `nsx`, without the target flags, the mistyped id replaced; undefined when it is not there. */
export function correctedWords(args: readonly string[], id: string, match: string): string[] | undefined {
  const words: string[] = [];
  let replaced = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--sandbox') continue;
    if (TARGET_FLAGS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (TARGET_FLAGS_WITH_VALUE.has(word.split('=')[0]!) && word.includes('=')) continue;
    if (!replaced && word === id) {
      words.push(match);
      replaced = true;
    } else if (!replaced && word.startsWith('-') && word.endsWith(`=${id}`)) {
      words.push(`${word.slice(0, -id.length)}${match}`);
      replaced = true;
    } else words.push(word);
  }
  return replaced ? words : undefined;
}

/** The error with a "did you mean" hint when a cached id is close to the unknown one; else the error itself. */
export function withIdSuggestion(error: unknown, ctx: Pick<CommandContext, 'globals' | 'io' | 'command'>, known: readonly string[] = []): unknown {
  if (!(error instanceof NotFoundError) || !error.integrationId) return error;
  const id = error.integrationId;
  const match = closestMatch(id, [...known, ...cachedIntegrationIds(ctx.globals)]);
  if (!match) return error;
  const words = correctedWords((ctx.io.argv ?? []).slice(2), id, match);
  if (!words) return error;
  return new NotFoundError(error.message, { hint: `did you mean ${match}? ${ctx.command(...words)}`, integrationId: id });
}
