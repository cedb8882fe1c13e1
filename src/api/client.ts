// One object per command run that bundles the HTTP layer, the token source and the API areas.
import type { Settings } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { ClientCredentialsTokens } from './auth.js';
import { EventStreamApi } from './eventstream.js';
import { HttpClient, processDispatcher, type HttpEvents, type RetryPolicy } from './http.js';
import { ImportApi } from './imports.js';
import { ProbeApi } from './probe.js';
import { applyCorrections, type RouteTable } from './routes.js';
import { version } from '../version.js';

export interface ApiClient {
  http: HttpClient;
  tokens: ClientCredentialsTokens;
  eventstream: EventStreamApi;
  imports: ImportApi;
  /** Read-only probes of the tenant's read routes (nsx doctor --api). */
  probe: ProbeApi;
  settings: Settings;
  /** The routes in effect: the default table with the profile's corrections. */
  routes: RouteTable;
}

export interface ClientEvents extends HttpEvents {
  /** A secret value became known (token, client secret): the output layer masks it. */
  secret?: (value: string) => void;
}

export function createApiClient(settings: Settings, events: ClientEvents = {}, retry?: Partial<RetryPolicy>): ApiClient {
  if (!settings.baseUrl) {
    throw new UsageError(`no API base URL for profile ${settings.profile}`, {
      hint: 'set a tenant (--tenant, NSX_TENANT, nsx config set tenant T) or a base URL (--base-url); or try --sandbox',
    });
  }
  const { routes, pagination } = applyCorrections(settings.corrections);
  const dispatcher = processDispatcher(settings.timeoutMs);
  const tokens = new ClientCredentialsTokens(settings, dispatcher, {
    ...(events.trace ? { trace: events.trace } : {}),
    ...(events.secret ? { secret: events.secret } : {}),
  });
  const http = new HttpClient({
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    auth: tokens,
    events,
    dispatcher,
    pagination,
    userAgent: `nsx/${version()} node/${process.versions.node}`,
    ...(settings.maxListItems !== undefined ? { maxListItems: settings.maxListItems } : {}),
    ...(retry ? { retry } : {}),
  });
  return { http, tokens, settings, routes, eventstream: new EventStreamApi(http, routes, settings.tenant), imports: new ImportApi(http, routes), probe: new ProbeApi(http, routes) };
}
