// Integration ids remembered for shell completion: written by commands that list integrations, read by
// the completion scripts straight from the file (no nsx process, no network on Tab). One id per line.
// The file is short-lived by design: the completion scripts ignore it when it is older than a day.
import { join } from 'node:path';
import { cacheDir } from './paths.js';
import { readFileNoFollow, writePrivateFileAtomic } from './secure-files.js';
import { INTEGRATION_ID_PATTERN } from '../api/schemas.js';

export const ID_CACHE_FILE = 'integration-ids';

export function idCachePath(): string {
  return join(cacheDir(), ID_CACHE_FILE);
}

/**
 * Never fails the command that lists: a cache that cannot be written only costs completion. Ids come from
 * the server, so only those of the syntax nsx accepts are kept: the shells insert cached words on Tab, and
 * an id such as `evil-$(touch X)` must never reach a command line (the scripts filter again, for caches
 * written by older versions).
 */
export function rememberIntegrationIds(ids: readonly unknown[]): void {
  try {
    const safe = [...new Set(ids)].filter((id): id is string => typeof id === 'string' && INTEGRATION_ID_PATTERN.test(id));
    writePrivateFileAtomic(idCachePath(), safe.length ? `${safe.join('\n')}\n` : '');
  } catch {
    /* cache only */
  }
}

export function cachedIntegrationIds(): string[] {
  try {
    return readFileNoFollow(idCachePath()).split('\n').filter((id) => INTEGRATION_ID_PATTERN.test(id));
  } catch {
    return [];
  }
}
