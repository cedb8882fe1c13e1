// `nsx api METHOD PATH`: any route of the tenant's API, as typed, over the one HTTP layer (the profile's
// token, retries of idempotent methods only, timeouts, --verbose lines, problem+json errors and their exit
// codes). The path is relative to the API base and is checked here, before anything is sent: an absolute
// URL (any scheme), a protocol-relative //host, a backslash, a "." or ".." segment (also percent-encoded)
// would take the bearer token somewhere other than the tenant's API, so they are refused (exit 2).
import * as z from 'zod';
import { UsageError } from '../errors.js';
import type { HttpClient, RawResponse } from './http.js';
import type { HttpMethod, Route } from './routes.js';
import { unsafePathParameter } from './routes.js';

export const RAW_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const satisfies readonly HttpMethod[];

/** Safe to repeat after an ambiguous failure (RFC 9110 §9.2.2); POST and PATCH are sent once. */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** A request as typed: its method, its path under the API base, and the query the path carried. */
export interface RawRequest {
  method: HttpMethod;
  path: string;
  query: Record<string, string>;
}

// Path characters sent as typed (RFC 3986 pchar and "/"); anything else must be percent-encoded by the user.
const PATH_CHARS = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;

/** Checks METHOD and PATH as typed (exit 2 with one line when either cannot be sent). */
export function parseRawRequest(method: string, path: string): RawRequest {
  const m = method.trim().toUpperCase();
  if (!(RAW_METHODS as readonly string[]).includes(m)) throw new UsageError(`method "${method}" is not one of ${RAW_METHODS.join(', ')}`);
  const typed = path.trim();
  if (typed === '') throw new UsageError('the path is empty: give one under the API base, e.g. /api/v1/org/integrations/eventstream');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(typed)) {
    throw new UsageError(`"${typed}" is an absolute URL: nsx api takes a path under the API base (the token is sent to the tenant's host only)`);
  }
  if (/^[/\\]{2}/.test(typed) || typed.includes('\\')) {
    throw new UsageError(`"${typed}" names another host (a // or \\ path): nsx api takes a path under the API base, e.g. /api/v1/...`);
  }
  if (typed.includes('#')) throw new UsageError(`"${typed}" holds a fragment (#): leave it out`);
  const q = typed.indexOf('?');
  let pathPart = q >= 0 ? typed.slice(0, q) : typed;
  if (!pathPart.startsWith('/')) pathPart = `/${pathPart}`;
  if (!PATH_CHARS.test(pathPart)) throw new UsageError(`"${pathPart}" holds characters a path cannot carry as typed (spaces, quotes, braces...): percent-encode them`);
  const segments = pathPart.split('/').slice(1);
  segments.forEach((segment, i) => {
    if (segment === '' && i < segments.length - 1) throw new UsageError(`"${pathPart}" holds an empty segment (//)`);
    if (segment === '') return;
    const unsafe = unsafePathParameter(segment);
    if (unsafe !== undefined) throw new UsageError(`"${pathPart}": the segment "${segment}" cannot be sent: ${unsafe}`);
  });
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(typed.slice(q + 1))) query[k] = v;
  return { method: m as HttpMethod, path: pathPart, query };
}

/** Any route, called as typed (see parseRawRequest). */
export class RawApi {
  constructor(private readonly http: HttpClient) {}

  private route(req: RawRequest): Route {
    // A path without {braces} (parseRawRequest refuses them) is its own template: buildPath leaves it as it is.
    return { method: req.method, path: req.path, idempotent: IDEMPOTENT.has(req.method) };
  }

  /** One request; the answer's body is JSON when it was JSON, its text otherwise, undefined when empty. */
  async send(req: RawRequest, options: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<RawResponse> {
    return this.http.send(this.route(req), {
      query: { ...req.query, ...options.query },
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Every item of a paginated GET, page by page (the offset/count envelope, or a bare array), with the
   * HTTP layer's guards against lists that never end. A count in the query is the page size (up to the
   * largest the client asks for); an offset in it is replaced by each page's.
   */
  paginate(req: RawRequest, options: { query?: Record<string, string>; signal?: AbortSignal } = {}): AsyncGenerator<unknown> {
    if (req.method !== 'GET') throw new UsageError('--paginate reads lists: only with GET');
    const [offsetKey, countKey] = Object.keys(this.http.pageQuery(0, 0)) as [string, string];
    const query = { ...req.query, ...options.query };
    const count = query[countKey];
    delete query[offsetKey];
    delete query[countKey];
    let pageSize: number | undefined;
    if (count !== undefined) {
      pageSize = Number(count);
      if (!/^\d+$/.test(count) || pageSize < 1) throw new UsageError(`${countKey}=${count}: the page size must be a whole number of items, 1 or more`);
    }
    return this.http.paginate(this.route(req), {
      envelopeKey: undefined,
      item: z.unknown(),
      query,
      ...(pageSize !== undefined ? { pageSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
