// Where Settings (a profile, flags and environment, resolved) become the API client's plain configuration:
// the base URL, the token source (with its 0600 cache file in the cache dir), the route table with the
// profile's corrections, the timeouts and the process's dispatcher. api/ never reads config itself.
import { join } from 'node:path';
import { ClientCredentialsTokens, type TokenCacheFile, type TokenCacheStore, type TokenEvents } from '../api/auth.js';
import { createClient, type ApiClient } from '../api/client.js';
import { processDispatcher, type HttpEvents, type RetryPolicy } from '../api/http.js';
import { applyCorrections } from '../api/routes.js';
import { UsageError } from '../errors.js';
import { version } from '../version.js';
import { currentIO } from '../io.js';
import { cacheDir } from './paths.js';
import type { Settings } from './profiles.js';
import { readJsonFile, writePrivateFileAtomic } from './secure-files.js';

export interface ClientEvents extends HttpEvents {
  /** A secret value became known (token, client secret): the output layer masks it. */
  secret?: (value: string) => void;
}

// Settings made without resolveSettings (tests) take the running command's environment.
const proxyOf = (settings: Settings) => settings.proxy ?? currentIO().env;

export function tokenCachePath(): string {
  return join(cacheDir(), 'tokens.json');
}

/** The token cache file: owner-only, in the cache dir. */
export const fileTokenCache: TokenCacheStore = {
  read: () => readJsonFile<TokenCacheFile>(tokenCachePath()),
  write: (all) => writePrivateFileAtomic(tokenCachePath(), JSON.stringify(all), cacheDir()),
};

/** The token source for a profile's credentials, cached in the token cache file. */
export function createTokens(settings: Settings, events: Omit<TokenEvents, 'cache'> = {}, dispatcher = processDispatcher(settings.timeoutMs, proxyOf(settings))): ClientCredentialsTokens {
  return new ClientCredentialsTokens(settings, dispatcher, {
    ...(events.trace ? { trace: events.trace } : {}),
    ...(events.secret ? { secret: events.secret } : {}),
    cache: fileTokenCache,
  });
}

export function createApiClient(settings: Settings, events: ClientEvents = {}, retry?: Partial<RetryPolicy>): ApiClient {
  if (!settings.baseUrl) {
    throw new UsageError(`no API base URL for profile ${settings.profile}`, {
      hint: 'set a tenant (--tenant, NSX_TENANT, nsx config set tenant T) or a base URL (--base-url); or try --sandbox',
    });
  }
  const { routes, pagination } = applyCorrections(settings.corrections);
  const dispatcher = processDispatcher(settings.timeoutMs, proxyOf(settings));
  const { secret, ...httpEvents } = events;
  return createClient(
    {
      baseUrl: settings.baseUrl,
      tenant: settings.tenant,
      timeoutMs: settings.timeoutMs,
      tokens: createTokens(settings, { ...(events.trace ? { trace: events.trace } : {}), ...(secret ? { secret } : {}) }, dispatcher),
      dispatcher,
      routes,
      pagination,
      maxListItems: settings.maxListItems,
      retry,
      userAgent: `nsx/${version()} node/${process.versions.node}`,
    },
    httpEvents,
  );
}
