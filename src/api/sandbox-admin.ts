// The nsx sandbox's own endpoints (SANDBOX_ROUTES: not NewStore's, no auth, loopback only): what the
// `nsx sandbox` verbs call, how `sandbox start` tells a running sandbox from another program on a port,
// and the blob store the stock workflow puts import data in. One client over one transport (exchange),
// like the NewStore areas; the sandbox's side is src/sandbox/admin.ts.
import type { Dispatcher } from 'undici';
import { ExitCode, NsxError } from '../errors.js';
import { exchange, type ExchangeResult } from './exchange.js';
import { loopbackDispatcher } from './http.js';
import { buildPath, SANDBOX_ROUTES, type Route } from './routes.js';
import { putFile, type PutFileOptions, type PutFileResult } from './upload.js';

/** What a sandbox says about itself (GET /_sandbox/); the fields nsx reads. */
export interface SandboxInfo {
  tenant: string;
  client_id: string;
  state_path?: string | null;
  counts?: Record<string, number>;
  [field: string]: unknown;
}

export interface SandboxAdminOptions {
  /** Default: a direct loopback dispatcher (the sandbox is on this machine; no proxy applies). */
  dispatcher?: Dispatcher;
  /**
   * Idle timeouts of an admin call. Default 300 s (what the global fetch the verbs used waited): `emit
   * --rate` answers only when the last event is out.
   */
  timeoutMs?: number;
}

export class SandboxAdminApi {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(
    baseUrl: string,
    private readonly options: SandboxAdminOptions = {},
  ) {
    const url = new URL(baseUrl);
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  private get dispatcher(): Dispatcher {
    return this.options.dispatcher ?? loopbackDispatcher();
  }

  private send(route: Route, options: { params?: Record<string, string>; body?: unknown; timeoutMs?: number; signal?: AbortSignal | undefined } = {}): Promise<ExchangeResult> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 300_000;
    return exchange(this.dispatcher, {
      origin: this.origin,
      path: this.basePath + buildPath(route, options.params),
      method: route.method,
      headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.timeoutMs !== undefined ? { deadlineMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Calls an admin endpoint and returns its JSON. A refused connection says how to start a sandbox; an
   * answer of 400 (a request the sandbox refuses) exits 2, any other failure 1.
   */
  private async call<T>(route: Route, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: ExchangeResult;
    try {
      response = await this.send(route, { body, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NsxError(`no sandbox answers at ${this.baseUrl}: ${(error as Error).message}`, ExitCode.error, {
        hint: 'start one with: nsx sandbox start (or pass --url)',
      });
    }
    const { statusCode: status, text } = response;
    if (status < 200 || status >= 300) {
      let detail = text;
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
      } catch {
        // not JSON
      }
      throw new NsxError(`sandbox ${route.method} ${route.path} answered ${status}: ${detail}`, status === 400 ? ExitCode.usage : ExitCode.error);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** What answers at the base URL: a sandbox's description, or undefined (another program, or nothing). */
  async info(options: { timeoutMs?: number; signal?: AbortSignal | undefined } = {}): Promise<SandboxInfo | undefined> {
    try {
      const response = await this.send(SANDBOX_ROUTES.info, options);
      if (response.statusCode !== 200) return undefined;
      const body = JSON.parse(response.text) as Partial<SandboxInfo> | null;
      return body && typeof body.tenant === 'string' && typeof body.client_id === 'string' ? (body as SandboxInfo) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Publishes synthetic events (at `rate` per second: the answer comes when the last one is out). */
  emit<T>(body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return this.call<T>(SANDBOX_ROUTES.emit, body, signal);
  }

  /** Forgets everything and seeds a scenario again. */
  reset<T>(body: { scenario?: string }): Promise<T> {
    return this.call<T>(SANDBOX_ROUTES.reset, body);
  }

  /**
   * Bulk data for benchmarks: log entries, rejected events and published-events attempts of one
   * integration (created stopped when missing), built without delivering anything.
   */
  seed<T>(body: {
    integration_id: string;
    logs?: number;
    rejected?: number;
    rejected_limit?: number;
    published?: number;
    published_span_ms?: number;
    published_failure_rate?: number;
  }): Promise<T> {
    return this.call<T>(SANDBOX_ROUTES.seed, body);
  }

  /** Switches the demo receiver's rule ("deploy the fix"). */
  setReceiverRule<T>(body: { rule: string; latency_ms?: number | [number, number] }): Promise<T> {
    return this.call<T>(SANDBOX_ROUTES.receiverRule, body);
  }

  /** Where the sandbox keeps an uploaded file (its import jobs read it back from there). */
  fileUrl(name: string): string {
    return this.baseUrl + buildPath(SANDBOX_ROUTES.putFile, { name });
  }

  /** Puts a file in the sandbox's blob store (a streamed PUT, as to a presigned URL). */
  putFile(name: string, filePath: string, bytes: number, options: Omit<PutFileOptions, 'dispatcher'>): Promise<PutFileResult> {
    return putFile(this.fileUrl(name), filePath, bytes, { ...options, dispatcher: this.dispatcher });
  }
}
