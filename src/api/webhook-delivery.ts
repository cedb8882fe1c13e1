// NewStore-shaped webhook deliveries to an integrator's receiver (contract §3), for `nsx receiver check`:
// POST {receiver URL} with a JSON body and `Authorization: Bearer <api key>`, timed, with the answer kept
// as a short excerpt; and the read of a receiver's own verify endpoint (GET {verify URL}?name=&idempotency_key=
// -> {"processed": n}). The URL rules (https anywhere, http:// only on this machine) live here too.
import { Agent } from 'undici';
import { UsageError } from '../errors.js';
import { DeadlineError, exchange } from './exchange.js';
import { isLoopbackHost } from './routes.js';

/** What the receiver answered to one request, or why no answer came. */
export interface ReceiverAnswer {
  /** HTTP status, null when no answer came (timeout, refused, reset). */
  status: number | null;
  /** The answer's body, at most EXCERPT_CHARS characters ('' when empty). */
  body: string;
  /** Milliseconds from sending to the whole answer (or to the failure). */
  ms: number;
  /** Why no answer came ("timeout after 10000 ms", "ECONNREFUSED"), null when one did. */
  error: string | null;
  /** The answer as JSON when it was JSON (for verify reads). */
  json?: unknown;
}

const EXCERPT_CHARS = 160;

/** The body NewStore POSTs for one event [contract §3]. */
export interface WebhookBody {
  tenant: string;
  name: string;
  published_at: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

/**
 * A receiver URL nsx may send to: https:// anywhere, http:// only to this machine (a plain-http receiver
 * elsewhere would get the api key in clear). Throws UsageError (exit 2) naming the flag.
 */
export function parseReceiverUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: "${text}" is not a URL (e.g. https://erp.example.com/newstore or http://127.0.0.1:8080/hook)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${flag}: ${url.protocol} is not http(s)`);
  if (url.username || url.password) throw new UsageError(`${flag}: the URL must not carry a user or password: pass the key with --api-key-file`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`${flag}: refusing plain http:// to ${url.hostname}: the api key would travel in clear (use https://, or http:// on loopback only)`);
  }
  return url;
}

/** The verify read's URL: the verify URL with name and idempotency_key added to its query. */
function verifyQuery(verifyUrl: URL, name: string, idempotencyKey: string): URL {
  const url = new URL(verifyUrl.href);
  url.searchParams.set('name', name);
  url.searchParams.set('idempotency_key', idempotencyKey);
  return url;
}

export class WebhookDeliveryClient {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 5_000 } });

  constructor(private readonly userAgent: string) {}

  /** POSTs a body (an event, or on purpose something that is not one) and times the answer. */
  deliver(url: URL, body: string, apiKey: string | null, timeoutMs: number): Promise<ReceiverAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': this.userAgent };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    return this.send(url, 'POST', headers, body, timeoutMs);
  }

  /** Reads how many times the receiver processed an event: GET {verify}?name=&idempotency_key= -> {"processed": n}. */
  async processedCount(verifyUrl: URL, name: string, idempotencyKey: string, apiKey: string | null, timeoutMs: number): Promise<{ answer: ReceiverAnswer; processed: number | null }> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    const answer = await this.send(verifyQuery(verifyUrl, name, idempotencyKey), 'GET', headers, undefined, timeoutMs);
    const processed = (answer.json as { processed?: unknown } | undefined)?.processed;
    return { answer, processed: answer.status === 200 && typeof processed === 'number' && Number.isInteger(processed) && processed >= 0 ? processed : null };
  }

  private async send(url: URL, method: 'POST' | 'GET', headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<ReceiverAnswer> {
    const started = performance.now();
    try {
      const res = await exchange(this.agent, { origin: url.origin, path: url.pathname + url.search, method, headers, body, deadlineMs: timeoutMs });
      const ms = performance.now() - started;
      let json: unknown;
      try {
        json = res.text ? JSON.parse(res.text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, body: excerpt(res.text), ms, error: null, json };
    } catch (err) {
      const ms = performance.now() - started;
      const e = err as Error & { code?: string };
      const error = err instanceof DeadlineError ? `timeout after ${timeoutMs} ms` : (e.code ?? e.message);
      return { status: null, body: '', ms, error };
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
}
