// What shell completion reads straight from files (no nsx process, no network on Tab):
// - the integration ids of one target, written by commands that list integrations, one id per line, kept
//   per profile (and one file for the in-process sandbox of --sandbox): integration-ids.d/<key>;
// - the configured profile names and the current profile, written whenever nsx writes the config.
// The id files are short-lived by design: the completion scripts ignore them when older than a day.
// The single file of older versions (integration-ids, all profiles mixed) is no longer read: it is removed
// at the first write of a per-profile file.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { currentIO } from '../io.js';
import { cacheDir } from './paths.js';
import { readFileNoFollow, writePrivateFileAtomic } from './secure-files.js';
import { INTEGRATION_ID_PATTERN } from '../api/schemas.js';

/** The folder of the per-target id files. */
export const ID_CACHE_DIR = 'integration-ids.d';
/** The one file of nsx versions before the per-profile cache. */
export const LEGACY_ID_CACHE_FILE = 'integration-ids';
/** The key of the in-process sandbox (`--sandbox`): "@" is not in a profile name a file is named after. */
export const SANDBOX_CACHE_KEY = '@sandbox';
export const PROFILE_NAMES_FILE = 'profile-names';
export const CURRENT_PROFILE_FILE = 'current-profile';
/**
 * Words the shells may insert on Tab (ids and profile names alike): a server or a hand-edited config
 * supplies them, and `evil-$(touch X)` must never reach a command line.
 */
export const SAFE_WORD_PATTERN = INTEGRATION_ID_PATTERN;

/** Whose ids: the global flags of the run (`--profile`, `--sandbox`); else NSX_PROFILE, else the current profile. */
export interface CacheTarget {
  profile?: string | undefined;
  sandbox?: boolean | undefined;
}

function currentProfileOf(): string {
  try {
    return readFileNoFollow(join(cacheDir(), CURRENT_PROFILE_FILE)).trim() || 'default';
  } catch {
    return 'default';
  }
}

/** The file name of a target's ids: the profile name itself when it is a safe word (the shells compute the same). */
export function idCacheKey(target: CacheTarget, currentProfile?: string): string {
  if (target.sandbox) return SANDBOX_CACHE_KEY;
  const name = target.profile || currentIO().env.NSX_PROFILE || currentProfile || currentProfileOf();
  return SAFE_WORD_PATTERN.test(name) ? name : encodeURIComponent(name).replace(/^\./, '%2E');
}

export function idCachePath(target: CacheTarget): string {
  return join(cacheDir(), ID_CACHE_DIR, idCacheKey(target));
}

/**
 * Never fails the command that lists: a cache that cannot be written only costs completion. Ids come from
 * the server, so only those of the syntax nsx accepts are kept (the scripts filter again).
 */
export function rememberIntegrationIds(target: CacheTarget, ids: readonly unknown[]): void {
  try {
    const safe = [...new Set(ids)].filter((id): id is string => typeof id === 'string' && SAFE_WORD_PATTERN.test(id));
    writePrivateFileAtomic(idCachePath(target), safe.length ? `${safe.join('\n')}\n` : '');
    rmSync(join(cacheDir(), LEGACY_ID_CACHE_FILE), { force: true });
  } catch {
    /* cache only */
  }
}

/** The target's cached ids, fresh or not (a suggestion only names them; it never acts on them). */
export function cachedIntegrationIds(target: CacheTarget): string[] {
  try {
    return readFileNoFollow(idCachePath(target)).split('\n').filter((id) => SAFE_WORD_PATTERN.test(id));
  } catch {
    return [];
  }
}

/**
 * The profile names and the current profile for completion, rewritten when the config file is newer than
 * them (a write by nsx, or an edit by hand). Never fails: completion only.
 */
export function rememberProfiles(configFile: string, read: () => { names: string[]; current: string }, force = false): void {
  try {
    const dir = cacheDir();
    const namesFile = join(dir, PROFILE_NAMES_FILE);
    const configTime = statSync(configFile, { throwIfNoEntry: false })?.mtimeMs;
    if (configTime === undefined) return;
    const cacheTime = statSync(namesFile, { throwIfNoEntry: false })?.mtimeMs;
    if (!force && cacheTime !== undefined && cacheTime >= configTime) return;
    const { names, current } = read();
    const safe = names.filter((n) => SAFE_WORD_PATTERN.test(n));
    writePrivateFileAtomic(join(dir, CURRENT_PROFILE_FILE), `${current}\n`);
    writePrivateFileAtomic(namesFile, safe.length ? `${safe.join('\n')}\n` : '');
  } catch {
    /* cache only */
  }
}
