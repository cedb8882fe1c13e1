// Every NewStore path, host template, status code and limit that nsx (and its sandbox) relies on, in one
// table. Entries tagged "assumed" in ../shared/newstore-api.md are our guesses where NewStore's
// documentation is silent: correcting one against a real tenant is a one-line change here, or, for one
// tenant, `nsx config set routes.<name> "METHOD /path"` (parseRouteOverride, applyCorrections).

import { UnsafePathParameterError, UsageError } from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** Path template; `{name}` segments are filled (URI-encoded) by buildPath. */
  readonly path: string;
  /** Safe to repeat after an ambiguous failure (a reset mid-request, a 502/504). */
  readonly idempotent: boolean;
}

const EVENTSTREAM = '/api/v1/org/integrations/eventstream';
const IMPORT = '/v0/d/import';

export const ROUTES = {
  listIntegrations: { method: 'GET', path: EVENTSTREAM, idempotent: true },
  registerIntegration: { method: 'POST', path: EVENTSTREAM, idempotent: false },
  getIntegration: { method: 'GET', path: `${EVENTSTREAM}/{id}`, idempotent: true },
  startIntegration: { method: 'POST', path: `${EVENTSTREAM}/{id}/_start`, idempotent: true },
  stopIntegration: { method: 'POST', path: `${EVENTSTREAM}/{id}/_stop`, idempotent: true },
  deleteIntegration: { method: 'DELETE', path: `${EVENTSTREAM}/{id}`, idempotent: true }, // path assumed
  // Seen in NewStore's own adapter code; body (the fields to change) and answer assumed. Idempotent: it sets
  // fields to given values, so a repeat after an ambiguous failure leaves the same integration.
  updateIntegration: { method: 'PATCH', path: `${EVENTSTREAM}/{id}`, idempotent: true },
  listLogs: { method: 'GET', path: `${EVENTSTREAM}/{id}/logs`, idempotent: true }, // assumed
  listRejectedEvents: { method: 'GET', path: `${EVENTSTREAM}/{id}/rejected_events`, idempotent: true }, // assumed
  retryRejectedEvent: {
    method: 'POST',
    path: `${EVENTSTREAM}/{id}/rejected_events/{event_id}/_retry`,
    idempotent: false, // assumed path; a retry re-delivers to the receiver
  },
  deleteRejectedEvent: {
    method: 'DELETE',
    path: `${EVENTSTREAM}/{id}/rejected_events/{event_id}`,
    idempotent: true, // assumed
  },
  listPublishedEvents: { method: 'GET', path: '/api/v1/org/integrations/published-events', idempotent: true },
  createImport: { method: 'POST', path: IMPORT, idempotent: false },
  startImport: { method: 'POST', path: `${IMPORT}/{import_id}/start`, idempotent: false },
  getImport: { method: 'GET', path: `${IMPORT}/{import_id}`, idempotent: true },
  listImportErrors: { method: 'GET', path: `${IMPORT}/{import_id}/errors`, idempotent: true }, // assumed
  listImports: { method: 'GET', path: IMPORT, idempotent: true },
  // "Set import job status to failed" is documented; path and body ({"reason"}) assumed. Idempotent: it sets
  // a state, and failing a failed job changes nothing (the sandbox answers 200; a finished job answers 409).
  failImport: { method: 'POST', path: `${IMPORT}/{import_id}/set_fail`, idempotent: true },
  legacyPasswordToken: { method: 'POST', path: '/v0/token', idempotent: false },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;

/** The route table an API client uses: ROUTES, with a profile's corrections (see applyCorrections). */
export type RouteTable = { readonly [K in RouteName]: Route };

/** The methods nsx sends: those its tables use. */
export function supportedMethods(): HttpMethod[] {
  return [...new Set([...Object.values(ROUTES), ...Object.values(SANDBOX_ROUTES)].map((r) => r.method as HttpMethod))];
}

function templateParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

export function isRouteName(name: string): name is RouteName {
  return Object.hasOwn(ROUTES, name);
}

/** "GET /v0/d/import/{import_id}": how a route is written in an override and shown back. */
export function formatRoute(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The placeholder a printed override carries where the tenant's path goes, e.g. "<path with {id}>". */
export function routePlaceholder(name: RouteName): string {
  const params = templateParams(ROUTES[name].path).map((p) => `{${p}}`);
  return params.length ? `<path with ${params.join(' and ')}>` : '<path>';
}

// Literal path characters an override may use: no spaces, quotes, `$`, `!`, `?` or `#`, so that the
// value is a path (no query) and the override nsx prints can be pasted into a shell in double quotes.
const PATH_TEXT = /^[A-Za-z0-9\-._~%/:@+,;=]*$/;

/**
 * Reads a profile's correction of one route, "METHOD /path/{param}" (the method may be left out: the
 * default's is kept). Throws UsageError (exit 2) with one line saying what is allowed. The corrected route
 * keeps the default's idempotency: it is the same operation at another address.
 */
export function parseRouteOverride(name: string, text: string): Route {
  const key = `routes.${name}`;
  if (!isRouteName(name)) throw new UsageError(`unknown route "${name}"; routes: ${Object.keys(ROUTES).join(', ')}`);
  const base = ROUTES[name];
  const want = templateParams(base.path);
  const form = `expected "METHOD /path"${want.length ? ` with ${want.map((p) => `{${p}}`).join(', ')}` : ''}, e.g. "${formatRoute(base)}"`;
  const value = text.trim();
  if (/[<>]/.test(value)) throw new UsageError(`${key}: replace the ${routePlaceholder(name)} placeholder with the path this tenant uses; ${form}`);
  const match = /^(?:([A-Za-z]+)\s+)?(\S+)$/.exec(value);
  if (!match) throw new UsageError(`${key}: "${text}" is not a route; ${form}`);
  const method = (match[1] ?? base.method).toUpperCase() as HttpMethod;
  const path = match[2]!;
  const methods = supportedMethods();
  if (!methods.includes(method)) throw new UsageError(`${key}: method ${match[1]} is not one nsx sends (${methods.join(', ')})`);
  // A read stays a read (a command that only looks, and doctor --api, must never change anything); a
  // write may move to another write method.
  if ((base.method === 'GET') !== (method === 'GET')) {
    throw new UsageError(`${key}: ${base.method === 'GET' ? 'a read route stays GET' : `a write route cannot become GET (use ${methods.filter((m) => m !== 'GET').join(', ')})`}`);
  }
  if (!path.startsWith('/')) throw new UsageError(`${key}: the path must start with "/" (got "${path}"); ${form}`);
  const literal = path.split(/\{\w+\}/);
  if (!literal.every((part) => PATH_TEXT.test(part))) {
    throw new UsageError(`${key}: "${path}" may hold only letters, digits, - . _ ~ % / : @ + , ; = and {params} (no query, spaces or quotes)`);
  }
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) throw new UsageError(`${key}: the path may not hold "." or ".." segments (got "${path}")`);
  const got = templateParams(path);
  const unknown = got.filter((p) => !want.includes(p));
  const absent = want.filter((p) => !got.includes(p));
  if (unknown.length || absent.length || new Set(got).size !== got.length) {
    const allowed = want.length ? `exactly ${want.map((p) => `{${p}}`).join(', ')} (each once)` : 'no {params}';
    throw new UsageError(`${key}: the path must hold ${allowed}; got ${got.length ? got.map((p) => `{${p}}`).join(', ') : 'none'}`);
  }
  return { method, path, idempotent: base.idempotent };
}

/** A profile's corrections of what is assumed, read and checked (parseRouteOverride, parsePaginationOverride). */
export interface ApiCorrections {
  routes?: Partial<Record<RouteName, Route>>;
  pagination?: Partial<Pagination>;
}

/** The one place a profile's corrections meet the defaults: the tables an API client is built with. */
export function applyCorrections(corrections: ApiCorrections = {}): { routes: RouteTable; pagination: Pagination } {
  return { routes: { ...ROUTES, ...corrections.routes }, pagination: { ...DEFAULT_PAGINATION, ...corrections.pagination } };
}

/**
 * The nsx sandbox's own endpoints (not NewStore's, no auth; src/sandbox/admin.ts serves them, and
 * api/sandbox-admin.ts calls them): its info (answers only on a sandbox), its blob store, which stands in
 * for a presigned upload URL for import data, and what the `nsx sandbox` verbs change.
 */
export const SANDBOX_ROUTES = {
  info: { method: 'GET', path: '/_sandbox/', idempotent: true },
  putFile: { method: 'PUT', path: '/_sandbox/files/{name}', idempotent: true },
  emit: { method: 'POST', path: '/_sandbox/emit', idempotent: false },
  reset: { method: 'POST', path: '/_sandbox/reset', idempotent: false },
  receiverRule: { method: 'PUT', path: '/_sandbox/receiver/rule', idempotent: true },
  seed: { method: 'POST', path: '/_sandbox/seed', idempotent: false },
} as const satisfies Record<string, Route>;

/** A path template split once: literal text at even indexes, parameter names at odd ones. */
const templates = new Map<string, string[]>();

/**
 * Why a path parameter value must not be sent, or undefined when it is safe. `encodeURIComponent` leaves
 * "." and ".." alone, and anything on the way that normalises dot segments (a proxy, a router, a decoding
 * that happens twice) would turn `DELETE …/rejected_events/..` into `DELETE …/{integration}`: another
 * resource. So a value that is empty, "." or "..", or holds "/" or "\\" (also once percent-decoded), or a
 * control character, never becomes a path segment. Ids come from users and from servers alike.
 */
export function unsafePathParameter(value: string): string | undefined {
  if (value === '') return 'it is empty';
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    /* not percent-encoded text: judged as it is */
  }
  for (const v of value === decoded ? [value] : [value, decoded]) {
    if (v === '.' || v === '..') return `"${v}" names the enclosing path, not an item`;
    if (/[/\\]/.test(v)) return 'it holds a path separator';
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) return 'it holds a control character';
  }
  return undefined;
}

/** Fills a route's `{name}` segments, URI-encoding each value; refuses values that are not one safe segment. */
export function buildPath(route: Route, params: Record<string, string> = {}): string {
  let parts = templates.get(route.path);
  if (!parts) templates.set(route.path, (parts = route.path.split(/\{(\w+)\}/)));
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route.path} needs parameter ${name}`);
    const unsafe = unsafePathParameter(value);
    if (unsafe !== undefined) throw new UnsafePathParameterError(route, name, value, unsafe);
    path += encodeURIComponent(value) + parts[i + 1]!;
  }
  return path;
}

/** A matcher for a route's template (used by the sandbox's router); a trailing slash is tolerated. */
export function routePattern(route: Route): RegExp {
  const body = route.path.replace(/\{(\w+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`);
  return new RegExp(`^${body}/?$`);
}

// Hosts [doc]: https://{tenant}.{stage}.newstore.net and the Keycloak realm per tenant.
export const API_HOST_TEMPLATE = 'https://{tenant}.{stage}.newstore.net';
export const TOKEN_URL_TEMPLATE =
  'https://id.{stage}.newstore.net/auth/realms/{tenant}/protocol/openid-connect/token';
/** The token path under any token host; the sandbox serves the same path. */
export const TOKEN_PATH_TEMPLATE = '/auth/realms/{tenant}/protocol/openid-connect/token';
export const DEFAULT_STAGE = 'p';

export function apiBaseUrl(tenant: string, stage: string): string {
  return API_HOST_TEMPLATE.replace('{tenant}', tenant).replace('{stage}', stage);
}
export function tokenUrl(tenant: string, stage: string): string {
  return TOKEN_URL_TEMPLATE.replace('{stage}', stage).replace('{tenant}', encodeURIComponent(tenant));
}

/** Whether a host name is this machine: where plain http:// is allowed and the only place nsx looks for a sandbox. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The http:// origin of a server on this machine: the sandbox, its receiver (an IPv6 host in brackets). */
export function loopbackOrigin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Whether the host of a URL is this machine (false for text that is not a URL). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

// Pagination [assumed]: offset/count query parameters.
export const PAGINATION = {
  offsetParam: 'offset',
  countParam: 'count',
  defaultCount: 50,
  maxCount: 200,
} as const;

/** The query parameter that filters the import list by state [seen in NewStore's adapter code]. */
export const IMPORT_STATE_FILTER_PARAM = 'filter[state]';
/** How a client pages through lists: the two query parameter names and the largest page it asks for. */
export interface Pagination {
  offsetParam: string;
  countParam: string;
  pageSize: number;
}
export const DEFAULT_PAGINATION: Pagination = { offsetParam: PAGINATION.offsetParam, countParam: PAGINATION.countParam, pageSize: PAGINATION.maxCount };
/** A profile's corrections of pagination, as typed: `pagination.offset`, `pagination.count`, `pagination.page-size`. */
export const PAGINATION_KEYS = { offset: 'offsetParam', count: 'countParam', 'page-size': 'pageSize' } as const;
export type PaginationKey = keyof typeof PAGINATION_KEYS;
export const MAX_PAGE_SIZE = 1000;

export function isPaginationKey(key: string): key is PaginationKey {
  return Object.hasOwn(PAGINATION_KEYS, key);
}

/** Reads one pagination correction; throws UsageError (exit 2) with one line saying what is allowed. */
export function parsePaginationOverride(key: string, text: string): Partial<Pagination> {
  if (!isPaginationKey(key)) throw new UsageError(`unknown pagination key "${key}"; keys: ${Object.keys(PAGINATION_KEYS).map((k) => `pagination.${k}`).join(', ')}`);
  const value = text.trim();
  if (key === 'page-size') {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > MAX_PAGE_SIZE) throw new UsageError(`pagination.page-size: expected a whole number from 1 to ${MAX_PAGE_SIZE} (got "${text}")`);
    return { pageSize: n };
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.[\]-]*$/.test(value)) {
    throw new UsageError(`pagination.${key}: expected a query parameter name (letters, digits, _ . - [ ], starting with a letter or _; got "${text}")`);
  }
  return { [PAGINATION_KEYS[key]]: value };
}

// Status codes the API answers.
export const STATUS = {
  registered: [200, 201], // [doc, codes assumed]
  deleted: [200, 204],
  created: [200, 201],
  duplicateOrLimit: 409, // duplicate integration id or the 26th integration [assumed]
  tooManyOpenImports: 429, // [doc]
  missingToken: 401, // [doc]
  invalidToken: 403, // [doc]
} as const;

// Limits NewStore documents.
export const LIMITS = {
  maxIntegrations: 25, // [doc]
  maxOpenImportJobs: 20, // [doc]
  maxImportBytes: 80 * 1024 * 1024, // [doc] stock and other non-product entities
  sandboxRejectedLimit: 100, // [assumed] NewStore limits stored rejected events; the sandbox's default
  deliveryAttempts: 10, // [doc] a failing event is tried up to 10 times over ~20 minutes
  deliveryWindowMs: 20 * 60 * 1000,
  /**
   * [assumed] The published-events API documents no pagination, so an answer may be cut short: an answer
   * holding at least this many attempts is taken as possibly truncated, and nsx reads that window again
   * in two halves (src/workflows/events/read.ts). The sandbox answers at most this many (the oldest of the
   * window), so that the splitting is exercised. Correcting it against a real tenant is this line.
   */
  publishedEventsAnswerCap: 1000,
  /**
   * [assumed] How long after its attempted_at an attempt may first appear in the published-events answer
   * (an attempt is known when it ends; clocks differ): `events tail` reads each window again from this long
   * before the end of the previous one, so a late attempt is not missed.
   */
  publishedEventsLateMs: 60_000,
} as const;

/** The file inside an import zip that carries availabilities [assumed]. */
export const AVAILABILITIES_FILE = 'availabilities.json';
/** Media type of NewStore's error bodies [doc]. */
export const PROBLEM_JSON = 'application/problem+json';
