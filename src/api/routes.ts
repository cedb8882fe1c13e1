// Every NewStore path, host template, status code and limit that nsx (and its sandbox) relies on, in one
// table. Entries tagged "assumed" in ../shared/newstore-api.md are our guesses where NewStore's
// documentation is silent: correcting one against a real tenant is a one-line change here.

import { UnsafePathParameterError } from '../errors.js';

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

/**
 * The nsx sandbox's own endpoints (not NewStore's, no auth): its info (answers only on a sandbox) and its
 * blob store, which stands in for a presigned upload URL for import data.
 */
export const SANDBOX_ROUTES = {
  info: { method: 'GET', path: '/_sandbox/', idempotent: true },
  putFile: { method: 'PUT', path: '/_sandbox/files/{name}', idempotent: true },
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

// Pagination [assumed]: offset/count query parameters.
export const PAGINATION = {
  offsetParam: 'offset',
  countParam: 'count',
  defaultCount: 50,
  maxCount: 200,
} as const;

/** The query parameter that filters the import list by state [seen in NewStore's adapter code]. */
export const IMPORT_STATE_FILTER_PARAM = 'filter[state]';

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
} as const;

/** The file inside an import zip that carries availabilities [assumed]. */
export const AVAILABILITIES_FILE = 'availabilities.json';
/** Media type of NewStore's error bodies [doc]. */
export const PROBLEM_JSON = 'application/problem+json';
