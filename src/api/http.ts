// The HTTP layer: one keep-alive undici Agent per process, explicit timeouts, retries with back-off and
// jitter, Retry-After, typed errors from problem+json bodies, a bearer token with one refresh on 401/403,
// and one --verbose line per request and response (secrets never printed).
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type * as z from 'zod';
import { ApiError, AuthError, NetworkError, NsxError, UnreadableAnswerError } from '../errors.js';
import { currentIO } from '../io.js';
import { atExit } from '../lifecycle.js';
import { sleep } from '../timers.js';
import { buildPath, DEFAULT_PAGINATION, PROBLEM_JSON, type Pagination, type Route } from './routes.js';
import { ENVELOPE, PaginationInfo, Problem } from './schemas.js';
import { DeadlineError, exchange, type ExchangeResult } from './exchange.js';
import { bodySnippet, capText, describeMismatch, describeValue, SHOWN_MESSAGES, SHOWN_TEXT_CHARS, VERBOSE_TEXT_CHARS } from './answers.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer asks are capped to this. */
  maxRetryAfterMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 200, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

/** Supplies bearer tokens; `refresh` returns undefined when no new token can be had (a static NSX_TOKEN). */
export interface TokenSource {
  token(): Promise<string>;
  refresh(): Promise<string | undefined>;
  /** "profile acme (tenant acme)" for error messages. */
  describe(): string;
}

export interface HttpEvents {
  /** One line per request and response, for --verbose. */
  trace?: (line: string) => void;
  /** A wait longer than a few seconds (Retry-After), said to the person watching. */
  longWait?: (ms: number, reason: string) => void;
}

export interface HttpClientOptions {
  baseUrl: string;
  timeoutMs: number;
  auth?: TokenSource | undefined;
  retry?: Partial<RetryPolicy>;
  events?: HttpEvents;
  userAgent?: string;
  dispatcher?: Dispatcher;
  /** Query parameter names and page size of paginated lists (a profile may correct them). */
  pagination?: Pagination;
  /** The most items one listing may hold (NSX_MAX_ITEMS); a server that never ends a list is stopped there. */
  maxListItems?: number;
}

/** The default cap on the items of one listing (raise it with NSX_MAX_ITEMS). */
export const DEFAULT_MAX_LIST_ITEMS = 100_000;
/** Pages in a row on which the total moved and the end came no closer: the list is not ending. */
const GROWING_TOTAL_PAGES = 3;

export interface RequestOptions<T> {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Validates (leniently) the JSON answer. Omit for empty answers. */
  schema?: z.ZodType<T>;
  /** Overrides the route's idempotency (e.g. a caller that knows a repeat is harmless). */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Told of every 429/503 answer (Retry-After in ms when given), before the layer waits or gives up. */
  onThrottled?: (status: number, retryAfterMs: number | undefined) => void;
  /** 429/503 are not repeated here (the caller paces its own repeats); the ApiError carries Retry-After. */
  noThrottleRetry?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Connection errors after which the server certainly did not process the request. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Connection errors where the server may have processed the request. */
const AMBIGUOUS_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_CLOSED']);
const RETRY_ANY = new Set([429, 503]); // the server says it did not process the request
// NewStore documents 500/502/503 as possible answers of public operations [contract §1]; a 500 may have
// done part of the work, so only calls that are safe to repeat are repeated after it.
const RETRY_IDEMPOTENT = new Set([500, 502, 504]);

/** The proxy variables nsx honours, from the environment of the run (its caller passes them). */
export type ProxyEnv = Partial<Record<'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy' | 'NO_PROXY' | 'no_proxy', string>>;

// One dispatcher per proxy setting: a process has one; runs in one process with different proxy
// variables (tests) each get theirs. undici's proxy agent is given the values, so it never reads process.env.
const sharedDispatchers = new Map<string, Dispatcher>();

function proxyConfigured(env: ProxyEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** The process's keep-alive dispatcher for `env`'s proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY) if any. */
export function processDispatcher(timeoutMs: number, env: ProxyEnv): Dispatcher {
  // undici's own precedence: lower case first.
  const proxy = proxyConfigured(env)
    ? { httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '', httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '', noProxy: env.no_proxy ?? env.NO_PROXY ?? '' }
    : undefined;
  const key = JSON.stringify(proxy ?? null);
  let dispatcher = sharedDispatchers.get(key);
  if (!dispatcher) {
    const options = {
      connect: { timeout: Math.min(timeoutMs, 10_000) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
      connections: 64,
    };
    dispatcher = proxy ? new EnvHttpProxyAgent({ ...options, ...proxy }) : new Agent(options);
    if (sharedDispatchers.size === 0) atExit(closeProcessDispatcher);
    sharedDispatchers.set(key, dispatcher);
  }
  return dispatcher;
}
let loopback: Dispatcher | undefined;

/** A direct dispatcher for servers on this machine (the sandbox's admin API): no proxy applies to them. */
export function loopbackDispatcher(): Dispatcher {
  if (!loopback) {
    loopback = new Agent({ keepAliveTimeout: 10_000 });
    atExit(async () => {
      const d = loopback;
      loopback = undefined;
      await d?.close();
    });
  }
  return loopback;
}

export function proxyInEffect(env: ProxyEnv): string | undefined {
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return undefined;
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}${env.NO_PROXY || env.no_proxy ? ` (NO_PROXY=${env.NO_PROXY || env.no_proxy})` : ''}`;
  } catch {
    return 'set but not a URL';
  }
}

export async function closeProcessDispatcher(): Promise<void> {
  const all = [...sharedDispatchers.values()];
  sharedDispatchers.clear();
  await Promise.all(all.map((d) => d.close()));
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly dispatcher: Dispatcher;
  private readonly retry: RetryPolicy;
  private readonly events: HttpEvents;
  private readonly auth: TokenSource | undefined;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly pagination: Pagination;
  private readonly maxListItems: number;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.dispatcher = options.dispatcher ?? processDispatcher(options.timeoutMs, currentIO().env);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.events = options.events ?? {};
    this.auth = options.auth;
    this.userAgent = options.userAgent ?? 'nsx';
    this.pagination = options.pagination ?? DEFAULT_PAGINATION;
    this.maxListItems = options.maxListItems ?? DEFAULT_MAX_LIST_ITEMS;
  }

  /** The same client without a token: for finding out whether the API answers at all (nsx doctor). */
  withoutAuth(): HttpClient {
    return new HttpClient({ ...this.options, auth: undefined });
  }

  /**
   * Calls a route and returns its validated JSON body (undefined for empty answers). A 2xx answer whose
   * body is not JSON (a proxy's or captive portal's page, a truncated body) is an error, never a success,
   * even where nsx reads nothing from the answer (`_start`): nsx cannot tell that the API was reached.
   */
  async request<T = unknown>(route: Route, options: RequestOptions<T> = {}): Promise<T> {
    const response = await this.send(route, options);
    const body = answerJson(response, route, options.params);
    if (!options.schema) return body as T;
    return readAnswer(options.schema, body, response, route, options.params);
  }

  /**
   * Every item of a paginated list, page by page (offset/count), in order, as the pages arrive. Accepts
   * the envelope `{<key>: [...], pagination_info}` and a bare JSON array. Once the caller has taken the
   * first item of a page, the next page is already requested, so that the server prepares it while the
   * caller works through this one; a caller that stops early aborts what is in flight.
   * `parallel` > 1 keeps up to that many pages in flight once the first page has told the total
   * (pagination_info.total); without a total the pages are read one after another.
   */
  async *paginate<T>(
    route: Route,
    options: {
      params?: Record<string, string>;
      /** The envelope's list key; undefined: the one array beside pagination_info, whatever its name (nsx api --paginate). */
      envelopeKey: string | undefined;
      item: z.ZodType<T>;
      pageSize?: number;
      parallel?: number;
      signal?: AbortSignal;
      /** More query parameters, sent with every page's offset and count. */
      query?: Record<string, string>;
    },
  ): AsyncGenerator<T> {
    const count = Math.min(options.pageSize ?? this.pagination.pageSize, this.pagination.pageSize);
    const width = Math.max(1, Math.floor(options.parallel ?? 1));
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const fetchPage = async (offset: number): Promise<{ items: unknown[]; total: number | undefined }> => {
      const response = await this.send(route, {
        ...(options.params ? { params: options.params } : {}),
        signal,
        query: { ...options.query, ...this.pageQuery(offset, count) },
      });
      const body = answerJson(response, route, options.params);
      if (Array.isArray(body)) return { items: body, total: undefined };
      const key = options.envelopeKey ?? envelopeListKey(body);
      if (key !== undefined && body && typeof body === 'object' && Array.isArray((body as Record<string, unknown>)[key])) {
        const envelope = body as Record<string, unknown>;
        const info = PaginationInfo.safeParse(envelope[ENVELOPE.pagination]);
        return { items: envelope[key] as unknown[], total: info.success ? (info.data.total ?? undefined) : undefined };
      }
      throw new UnreadableAnswerError({
        route: routeCall(route, options.params),
        where: `expected a list or {"${options.envelopeKey ?? '<items>'}": [...]${options.envelopeKey ? '' : `, "${ENVELOPE.pagination}": {...}`}}, got ${describeValue(body)}`,
        requestId: requestIdOf(response),
        verboseDetail: verboseBody(body),
      });
    };
    // Pages requested and not yet read, in offset order; `requested` is the offset of the next one to ask for.
    const pending: ReturnType<typeof fetchPage>[] = [];
    let requested = 0;
    let total: number | undefined;
    const request = (): void => {
      const page = fetchPage(requested);
      page.catch(() => {}); // awaited (and its failure reported) in its turn
      pending.push(page);
      requested += count;
    };
    request();
    let offset = 0; // items read so far
    // A server that never ends a list (always-full pages, the same page again, a total that grows as fast
    // as nsx reads) is stopped: by the item cap, by a page that holds only items already read, or by a
    // total that keeps moving away. Items are remembered by id (else by their JSON) up to the cap.
    const seen = new Set<string>();
    let pages = 0;
    let remaining: number | undefined;
    let growing = 0;
    const hostile = (what: string): NsxError =>
      new NsxError(`${routeCall(route, options.params)}: ${what}; stopped after ${pages} pages (${offset} items)`);
    try {
      while (pending.length > 0) {
        const { items, total: pageTotal } = await pending.shift()!;
        pages++;
        if (pageTotal !== undefined) {
          if (total !== undefined && pageTotal !== total) {
            const left = pageTotal - (offset + items.length);
            growing = remaining !== undefined && left >= remaining ? growing + 1 : 0;
            if (growing >= GROWING_TOTAL_PAGES) throw hostile(`the total keeps growing as fast as nsx reads (now ${pageTotal})`);
            // The pages requested ahead were chosen by the old total.
            pending.length = 0;
            requested = offset + items.length;
          }
          total = pageTotal;
          remaining = pageTotal - (offset + items.length);
        }
        if (items.length > 0) {
          let fresh = 0;
          for (const item of items) {
            const key = itemKey(item);
            if (!seen.has(key)) {
              seen.add(key);
              fresh++;
            }
          }
          if (fresh === 0) throw hostile(`the page at offset ${offset} repeats items already read (the server ignores ${this.pagination.offsetParam}?)`);
        }
        offset += items.length;
        if (offset > this.maxListItems) {
          throw hostile(`the list holds more than ${this.maxListItems} items, the cap of one listing (raise it with NSX_MAX_ITEMS)`);
        }
        const more = !(items.length < count || items.length === 0 || (total !== undefined && offset >= total));
        if (!more || items.length > count) {
          // The end (or a server that ignored count): pages already requested would repeat or overlap.
          pending.length = 0;
          requested = offset;
        }
        for (let i = 0; i < items.length; i++) {
          const parsed = options.item.safeParse(items[i]);
          if (!parsed.success) {
            throw new UnreadableAnswerError({
              route: routeCall(route, options.params),
              where: describeMismatch(parsed.error, items[i], `${options.envelopeKey}[${offset - items.length + i}]`),
              verboseDetail: verboseBody(items[i]),
            });
          }
          yield parsed.data;
          if (i === 0 && more) {
            const ahead = total === undefined ? 1 : width;
            while (pending.length < ahead && (pending.length === 0 || total === undefined || requested < total)) request();
          }
        }
      }
    } finally {
      stop.abort();
    }
  }

  /**
   * The first page of a paginated list, `count` items at most, and the total its envelope tells
   * (pagination_info.total; undefined for a bare array or an envelope without one). One request: for
   * figures such as "how many rejected events" without reading the list (nsx status).
   */
  async firstPage<T>(
    route: Route,
    options: { params?: Record<string, string>; envelopeKey: string; item: z.ZodType<T>; count: number; signal?: AbortSignal },
  ): Promise<{ items: T[]; total: number | undefined }> {
    const response = await this.send(route, {
      ...(options.params ? { params: options.params } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      query: this.pageQuery(0, options.count),
    });
    const body = answerJson(response, route, options.params);
    let raw: unknown[];
    let total: number | undefined;
    if (Array.isArray(body)) raw = body;
    else if (body && typeof body === 'object' && Array.isArray((body as Record<string, unknown>)[options.envelopeKey])) {
      const envelope = body as Record<string, unknown>;
      raw = envelope[options.envelopeKey] as unknown[];
      const info = PaginationInfo.safeParse(envelope[ENVELOPE.pagination]);
      total = info.success ? (info.data.total ?? undefined) : undefined;
    } else {
      throw new UnreadableAnswerError({
        route: routeCall(route, options.params),
        where: `expected a list or {"${options.envelopeKey}": [...]}, got ${describeValue(body)}`,
        requestId: requestIdOf(response),
        verboseDetail: verboseBody(body),
      });
    }
    const items = raw.map((item, i) => {
      const parsed = options.item.safeParse(item);
      if (parsed.success) return parsed.data;
      throw new UnreadableAnswerError({ route: routeCall(route, options.params), where: describeMismatch(parsed.error, item, `${options.envelopeKey}[${i}]`), verboseDetail: verboseBody(item) });
    });
    return { items, total };
  }

  /** The query of one page: `{offset: 0, count: 200}` under the default names. */
  pageQuery(offset: number, count: number): Record<string, number> {
    return { [this.pagination.offsetParam]: offset, [this.pagination.countParam]: count };
  }

  /** The largest page this client asks for. */
  get pageSize(): number {
    return this.pagination.pageSize;
  }

  /** Sends with retries; throws ApiError for non-2xx answers, NetworkError when the connection fails. */
  async send(route: Route, options: Omit<RequestOptions<unknown>, 'schema'> = {}): Promise<RawResponse> {
    const path = this.basePath + buildPath(route, options.params) + queryString(options.query);
    const url = this.origin + path;
    const idempotent = options.idempotent ?? route.idempotent;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.auth) headers.authorization = `Bearer ${await this.auth.token()}`;
      const started = performance.now();
      if (this.events.trace) this.trace(`> ${route.method} ${url}${attempt > 0 ? ` (retry ${attempt})` : ''}`);
      let response: ExchangeResult;
      try {
        response = await exchange(this.dispatcher, {
          origin: this.origin,
          path,
          method: route.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          // --timeout bounds the whole exchange: undici's timeouts above are idle timeouts.
          deadlineMs: this.timeoutMs,
        });
      } catch (error) {
        const code = errorCode(error);
        const ms = Math.round(performance.now() - started);
        if (this.events.trace) this.trace(`< ${code ?? 'error'} ${route.method} ${url} ${ms}ms`);
        if (options.signal?.aborted) throw error;
        // A deadline that expired before the answer began is like a headers timeout; one that expired while
        // the answer was arriving (a trickle) is not repeated: the same server would trickle again.
        const deadline = error instanceof DeadlineError ? error : undefined;
        const ambiguous = AMBIGUOUS_CODES.has(code ?? '') || (deadline !== undefined && !deadline.answerStarted);
        const retryable = NOT_SENT_CODES.has(code ?? '') || (idempotent && ambiguous);
        if (retryable && attempt < this.retry.retries) {
          await this.wait(this.backoff(attempt), `${code}`, options.signal);
          continue;
        }
        // A deadline before the status line reads as the timeout it is; during the body, as a trickle.
        const shown = deadline && !deadline.answerStarted ? 'UND_ERR_HEADERS_TIMEOUT' : code;
        throw new NetworkError(networkMessage(route.method, url, shown, error, attempt, this.timeoutMs), code, error);
      }
      const ms = Math.round(performance.now() - started);
      const status = response.statusCode;
      if (this.events.trace) this.trace(`< ${status} ${route.method} ${url} ${ms}ms${attempt > 0 ? ` (retry ${attempt})` : ''}`);
      const parsedBody = parseBody(response.text, response.headers);
      if (status >= 200 && status < 300) return { status, headers: response.headers, body: parsedBody };

      if ((status === 401 || status === 403) && this.auth && !refreshed) {
        refreshed = true;
        if ((await this.auth.refresh()) !== undefined) {
          attempt--; // the refresh retry is not a back-off retry
          continue;
        }
      }
      if (options.onThrottled && RETRY_ANY.has(status)) options.onThrottled(status, parseRetryAfter(response.headers['retry-after']));
      const retryable = (RETRY_ANY.has(status) && !options.noThrottleRetry) || (idempotent && RETRY_IDEMPOTENT.has(status) && !(options.noThrottleRetry && RETRY_ANY.has(status)));
      if (retryable && attempt < this.retry.retries) {
        const retryAfter = parseRetryAfter(response.headers['retry-after']);
        const delay = retryAfter !== undefined ? retryAfterDelay(retryAfter, this.retry) : this.backoff(attempt);
        await this.wait(delay, `${status}${retryAfter !== undefined ? ', Retry-After' : ''}`, options.signal);
        continue;
      }
      throw this.apiError(status, route.method, url, parsedBody, response.headers);
    }
  }

  private apiError(status: number, method: string, url: string, body: unknown, headers: RawResponse['headers']): Error {
    const problem = Problem.safeParse(body);
    const p = problem.success ? problem.data : {};
    const requestId = p.request_id ?? headerValue(headers['x-request-id']);
    // A server's text is shown capped (a 1 MiB detail is not an error line); --verbose shows more.
    const text = p.detail ?? p.message;
    const messages = p.messages ?? [];
    const shownMessages = messages.slice(0, SHOWN_MESSAGES).map((m) => capText(m, SHOWN_TEXT_CHARS));
    if (messages.length > SHOWN_MESSAGES) shownMessages.push(`... and ${messages.length - SHOWN_MESSAGES} more messages`);
    const raw = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    const error = new ApiError({
      status,
      method,
      url,
      title: p.title !== undefined ? capText(p.title, SHOWN_TEXT_CHARS) : text !== undefined ? undefined : typeof body === 'string' && body ? bodySnippet(body, 200) : undefined,
      detail: text !== undefined ? capText(text, SHOWN_TEXT_CHARS) : undefined,
      errorCode: p.error_code,
      messages: shownMessages,
      requestId,
      body,
      retryAfterMs: parseRetryAfter(headers['retry-after']),
      ...(raw.length > 0 && (raw.length > SHOWN_TEXT_CHARS || !problem.success || typeof body === 'string')
        ? { verboseDetail: `the answer's body: ${capText(raw, VERBOSE_TEXT_CHARS, true)}` }
        : {}),
    });
    if ((status === 401 || status === 403) && this.auth) {
      return new AuthError(
        `not authorised for ${this.auth.describe()}: ${error.message}`,
        { hint: 'check the client id and secret (nsx whoami, nsx auth login) and the API client\'s roles in NewStore', cause: error },
      );
    }
    return error;
  }

  private backoff(attempt: number): number {
    return backoffDelay(this.retry, attempt);
  }

  private async wait(ms: number, reason: string, signal?: AbortSignal): Promise<void> {
    this.trace(`  waiting ${ms}ms before retrying (${reason})`);
    if (ms >= 5000) this.events.longWait?.(ms, reason);
    await sleep(ms, signal);
  }

  private trace(line: string): void {
    this.events.trace?.(line);
  }
}

/** The list of an envelope whose key nsx does not know: the one array beside pagination_info, if there is exactly one. */
function envelopeListKey(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const lists = Object.entries(body as Record<string, unknown>).filter(([k, v]) => k !== ENVELOPE.pagination && Array.isArray(v));
  return lists.length === 1 ? lists[0]![0] : undefined;
}

/** An item's identity for spotting repeated pages: its id when it has one, else its JSON. */
function itemKey(item: unknown): string {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? `id:${id}` : `json:${JSON.stringify(item)}`;
}

export function queryString(query: RequestOptions<unknown>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function parseBody(text: string, headers: RawResponse['headers']): unknown {
  if (!text) return undefined;
  const type = headerValue(headers['content-type']) ?? '';
  if (type.includes('json') || type.includes(PROBLEM_JSON) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** "GET /api/…/erp-orders/logs" for messages; built only when one is written, not for every answer. */
function routeCall(route: Route, params: Record<string, string> | undefined): string {
  return `${route.method} ${buildPath(route, params)}`;
}

/**
 * The JSON of a 2xx answer: undefined when empty; an UnreadableAnswerError when the body is text that is
 * not JSON (parseBody keeps such a body as a string).
 */
function answerJson(response: RawResponse, call: Route, params: Record<string, string> | undefined): unknown {
  if (typeof response.body !== 'string') return response.body;
  const route = routeCall(call, params);
  const type = headerValue(response.headers['content-type']);
  const text = response.body;
  const looksJson = /^\s*[[{]/.test(text) || (type ?? '').includes('json');
  throw new UnreadableAnswerError({
    route,
    where: `${looksJson ? 'invalid or truncated JSON' : `not JSON${type ? ` (${type.split(';')[0]})` : ''}`}, starting ${bodySnippet(text)}`,
    requestId: requestIdOf(response),
    verboseDetail: verboseBody(text),
    hint: looksJson
      ? 'the answer was cut or is not JSON; try again, and run with --verbose to see it'
      : 'something other than the NewStore API answered (a proxy or captive portal page?): check the network and the base URL; --verbose shows the page',
  });
}

/** Validates a JSON answer against its schema; a mismatch names the first field that does not fit. */
function readAnswer<T>(schema: z.ZodType<T>, body: unknown, response: RawResponse, call: Route, params: Record<string, string> | undefined): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new UnreadableAnswerError({ route: routeCall(call, params), where: describeMismatch(parsed.error, body), requestId: requestIdOf(response), verboseDetail: verboseBody(body) });
}

function requestIdOf(response: RawResponse): string | undefined {
  const b = response.body;
  if (b && typeof b === 'object' && !Array.isArray(b)) {
    const rid = (b as Record<string, unknown>).request_id;
    if (typeof rid === 'string' || typeof rid === 'number') return String(rid);
  }
  return headerValue(response.headers['x-request-id']);
}

/** The raw body for --verbose, capped (the output layer redacts secrets in it). */
function verboseBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) ?? String(body);
  return `the answer's body: ${capText(text, VERBOSE_TEXT_CHARS, true)}`;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A Retry-After wait gets up to this share more, at random (retryAfterDelay). */
const RETRY_AFTER_JITTER = 0.25;

/**
 * The wait before repeating a call answered with Retry-After: what it asks (capped), plus up to a quarter
 * more at random. Calls throttled together were told the same; repeated exactly then, they arrive
 * together again at a limit that has room for only a few (32 calls in flight against 100/s: most of the
 * repeats are throttled once more).
 */
export function retryAfterDelay(retryAfterMs: number, policy: Pick<RetryPolicy, 'maxRetryAfterMs'>): number {
  const asked = Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.min(policy.maxRetryAfterMs, Math.round(asked * (1 + RETRY_AFTER_JITTER * Math.random())));
}
/** Exponential back-off with "equal jitter": half the ceiling, plus up to the other half at random. */
export function backoffDelay(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After: delay-seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = headerValue(value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkMessage(method: string, url: string, code: string | undefined, error: unknown, attempt: number, timeoutMs: number): string {
  const host = new URL(url).host;
  const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${host}: connection refused${tries} (is the API base URL right? is the sandbox running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${host}${tries} (check the tenant, stage or base URL)`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${host} timed out${tries}`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `${method} ${new URL(url).pathname} timed out waiting for ${host}${tries} (raise --timeout?)`;
    case 'NSX_DEADLINE':
      return `${method} ${new URL(url).pathname}: no complete answer from ${host} within ${formatSeconds(timeoutMs)}${tries} (raise --timeout?)`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${method} ${new URL(url).pathname}: the connection to ${host} was reset${tries}`;
    default:
      return `${method} ${new URL(url).pathname} failed: ${error instanceof Error ? error.message : String(error)}${tries}`;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
