// Read-only probes of a tenant (nsx doctor --api): one GET per read route, and a verdict on its answer:
// readable, readable only leniently (fields nsx does not know, or expected ones missing), not found (the
// route probably differs), an auth problem, unreadable, or failed. Never a write: a route whose method is
// not GET is not called.
import * as z from 'zod';
import { ApiError, AuthError } from '../errors.js';
import { queryString, type HttpClient } from './http.js';
import { buildPath, type RouteTable } from './routes.js';
import { ENVELOPE, READ_ANSWERS, type ProbedRoute, type ReadAnswer } from './schemas.js';

export type ProbeVerdict = 'ok' | 'lenient' | 'not-found' | 'auth' | 'unreadable' | 'failed' | 'skipped';
/** Verdicts that mean nsx cannot use the route as it stands. */
export const FAILING_VERDICTS: readonly ProbeVerdict[] = ['not-found', 'auth', 'unreadable', 'failed'];

export interface RouteProbe {
  route: ProbedRoute;
  verdict: ProbeVerdict;
  method: string;
  /** The path called, parameters filled, with its query. */
  path: string;
  httpStatus: number | undefined;
  ms: number | undefined;
  /** Items in the answer (1 for a single object). */
  items: number | undefined;
  /** Top-level fields of the items that nsx's schema does not name. */
  unknownFields: string[];
  /** Expected fields some items lack, with how many lack them. */
  missingFields: Array<{ field: string; absentFrom: number }>;
  /** What went wrong, for the verdicts other than ok / lenient. */
  error: string | undefined;
  requestId: string | undefined;
}

export interface ProbeAnswer {
  probe: RouteProbe;
  /** The items read (for choosing the integration to probe next). */
  items: unknown[];
}

export class ProbeApi {
  constructor(
    private readonly http: HttpClient,
    private readonly routes: RouteTable,
  ) {}

  /** The query of the first page of a paginated list, `count` items at most, in the names in effect. */
  firstPage(count: number): Record<string, number> {
    return this.http.pageQuery(0, Math.min(count, this.http.pageSize));
  }

  /**
   * One read of the integrations list (the route as the profile may have corrected it): whether the API
   * answers and how many integrations it lists. `authenticated: false` calls without a token, to find out
   * whether the API answers at all. Throws what the call threw (ApiError, AuthError, NetworkError).
   */
  async reach(options: { authenticated: boolean }): Promise<{ status: number; items: number | undefined; date: string | undefined }> {
    const http = options.authenticated ? this.http : this.http.withoutAuth();
    const response = await http.send(this.routes.listIntegrations);
    const items = itemsOf(READ_ANSWERS.listIntegrations, response.body);
    const date = response.headers.date;
    return { status: response.status, items: typeof items === 'string' ? undefined : items.list.length, date: Array.isArray(date) ? date[0] : date };
  }

  async probe(name: ProbedRoute, options: { params?: Record<string, string>; query?: Record<string, string | number> } = {}): Promise<ProbeAnswer> {
    const route = this.routes[name];
    const query = queryString(options.query);
    let path: string;
    try {
      path = buildPath(route, options.params) + query;
    } catch (error) {
      // A parameter no path can carry (an id listed by the tenant that is empty, say): not sent.
      return { probe: blank(name, route.method, route.path + query, 'failed', `not called: ${error instanceof Error ? error.message : String(error)}`), items: [] };
    }
    const probe = blank(name, route.method, path, 'skipped', undefined);
    if (route.method !== 'GET') return { probe: { ...probe, error: `${route.method} is not a read: not called` }, items: [] };
    const started = performance.now();
    let body: unknown;
    try {
      const response = await this.http.send(route, { ...(options.params ? { params: options.params } : {}), ...(options.query ? { query: options.query } : {}) });
      probe.httpStatus = response.status;
      body = response.body;
    } catch (error) {
      probe.ms = Math.round(performance.now() - started);
      return { probe: { ...probe, ...failure(error) }, items: [] };
    }
    probe.ms = Math.round(performance.now() - started);
    const answer: ReadAnswer = READ_ANSWERS[name];
    const items = itemsOf(answer, body);
    if (typeof items === 'string') return { probe: { ...probe, verdict: 'unreadable', error: items }, items: [] };
    probe.items = items.list.length;
    for (let i = 0; i < items.list.length; i++) {
      const parsed = answer.item.safeParse(items.list[i]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = [items.where === null ? '' : `${items.where}[${i}]`, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
        return { probe: { ...probe, verdict: 'unreadable', error: `${where || 'body'}: ${issue?.message ?? 'not understood'}` }, items: [] };
      }
    }
    const { unknown, missing } = fieldsOf(answer, items.list);
    probe.unknownFields = unknown;
    probe.missingFields = missing;
    probe.verdict = unknown.length || missing.length ? 'lenient' : 'ok';
    return { probe, items: items.list };
  }
}

/** A probe that made no call. */
export function blank(route: ProbedRoute, method: string, path: string, verdict: ProbeVerdict, error: string | undefined): RouteProbe {
  return { route, verdict, method, path, httpStatus: undefined, ms: undefined, items: undefined, unknownFields: [], missingFields: [], error, requestId: undefined };
}

/** The items of an answer and where they were (an envelope key, '' for a bare array, null for one object); a string says why there are none. */
function itemsOf(answer: ReadAnswer, body: unknown): { list: unknown[]; where: string | null } | string {
  if (answer.envelope === null) return body && typeof body === 'object' && !Array.isArray(body) ? { list: [body], where: null } : 'answered something other than a JSON object';
  if (Array.isArray(body)) return { list: body, where: '' };
  if (body && typeof body === 'object') {
    for (const key of answer.envelope) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return { list: value, where: key };
    }
  }
  const shapes = ['a list', ...answer.envelope.map((k) => `{"${k}": [...]}`)];
  return `answered neither ${shapes.join(' nor ')}`;
}

function shapeKeys(schema: z.ZodType): string[] {
  // A schema with a preprocess step (ImportJob reads `id` as `import_id`) is a pipe: its fields are the object's.
  if (schema instanceof z.ZodPipe) return [...shapeKeys(schema.in as z.ZodType), ...shapeKeys(schema.out as z.ZodType)];
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function fieldsOf(answer: ReadAnswer, items: unknown[]): { unknown: string[]; missing: RouteProbe['missingFields'] } {
  const known = new Set([...shapeKeys(answer.item), ...answer.expected, ...(answer.known ?? []), ENVELOPE.pagination]);
  const unknown = new Set<string>();
  const absent = new Map<string, number>();
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!known.has(key)) unknown.add(key);
    for (const field of answer.expected) if (record[field] === undefined || record[field] === null) absent.set(field, (absent.get(field) ?? 0) + 1);
  }
  return { unknown: [...unknown].sort(), missing: [...absent].map(([field, absentFrom]) => ({ field, absentFrom })) };
}

/** "answered 404: Not Found (request_id r-1)": the call itself is on the probe's line already. */
function answered(error: ApiError): string {
  const what = [error.title, error.detail].filter(Boolean).join(': ');
  return `answered ${error.status}${what ? `: ${what}` : ''}${error.requestId ? ` (request_id ${error.requestId})` : ''}`;
}

function failure(error: unknown): Partial<RouteProbe> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AuthError) {
    const cause = error.cause instanceof ApiError ? error.cause : undefined;
    if (!cause) return { verdict: 'auth', error: message };
    return { verdict: 'auth', error: `${answered(cause)}: the token is refused for this route (check the API client's roles in NewStore)`, httpStatus: cause.status, requestId: cause.requestId };
  }
  if (error instanceof ApiError) {
    const verdict: ProbeVerdict = error.status === 404 || error.status === 405 ? 'not-found' : error.status === 401 || error.status === 403 ? 'auth' : 'failed';
    return { verdict, error: answered(error), httpStatus: error.status, requestId: error.requestId };
  }
  return { verdict: 'failed', error: message };
}
