// One object per command run that bundles the HTTP layer, the token source and the API areas. It is
// built from a plain ClientConfig: api/ knows nothing of profiles or settings (config/api-client.ts turns
// Settings into a ClientConfig).
import type { Dispatcher } from 'undici';
import type { ClientCredentialsTokens } from './auth.js';
import { EventStreamApi } from './eventstream.js';
import { HttpClient, type HttpEvents, type RetryPolicy } from './http.js';
import { ImportApi } from './imports.js';
import { ProbeApi } from './probe.js';
import { RawApi } from './raw.js';
import { DEFAULT_PAGINATION, ROUTES, type Pagination, type RouteTable } from './routes.js';
import { SandboxAdminApi } from './sandbox-admin.js';
import { UploadApi } from './upload.js';

export interface ClientConfig {
  baseUrl: string;
  /** Names where an unknown integration was looked for, in messages. */
  tenant?: string | undefined;
  /** Per request (connect, headers, body). */
  timeoutMs: number;
  tokens: ClientCredentialsTokens;
  dispatcher: Dispatcher;
  /** The routes in effect (default: ROUTES). */
  routes?: RouteTable;
  pagination?: Pagination;
  /** The most items one listing may hold; undefined = the HTTP layer's default. */
  maxListItems?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  userAgent?: string;
}

export interface ApiClient {
  http: HttpClient;
  tokens: ClientCredentialsTokens;
  eventstream: EventStreamApi;
  imports: ImportApi;
  /** Read-only probes of the tenant's read routes (nsx doctor). */
  probe: ProbeApi;
  /** Streamed PUTs of import data to a presigned URL. */
  uploads: UploadApi;
  /** Any route, as typed (nsx api). */
  raw: RawApi;
  /** The sandbox's own endpoints at the same base URL (answer only when the API is an nsx sandbox). */
  sandbox: SandboxAdminApi;
  /** The routes in effect: the default table with the profile's corrections. */
  routes: RouteTable;
  /** The per-request timeout in effect. */
  timeoutMs: number;
}

export function createClient(config: ClientConfig, events: HttpEvents = {}): ApiClient {
  const routes = config.routes ?? ROUTES;
  const http = new HttpClient({
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    auth: config.tokens,
    events,
    dispatcher: config.dispatcher,
    pagination: config.pagination ?? DEFAULT_PAGINATION,
    ...(config.userAgent !== undefined ? { userAgent: config.userAgent } : {}),
    ...(config.maxListItems !== undefined ? { maxListItems: config.maxListItems } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
  });
  return {
    http,
    tokens: config.tokens,
    routes,
    timeoutMs: config.timeoutMs,
    eventstream: new EventStreamApi(http, routes, config.tenant),
    imports: new ImportApi(http, routes),
    probe: new ProbeApi(http, routes),
    uploads: new UploadApi(config.dispatcher),
    raw: new RawApi(http),
    sandbox: new SandboxAdminApi(config.baseUrl, { dispatcher: config.dispatcher, timeoutMs: config.timeoutMs }),
  };
}
