// One webhook delivery over HTTP (keep-alive undici Agent): NewStore calling the integrator [contract §3].
import { Agent } from 'undici';
import { exchange } from '../api/exchange.js';

export interface DeliveryOutcome {
  /** HTTP status, or null when no answer came (timeout, refused, reset). */
  status: number | null;
  /** The receiver's answer: parsed JSON when it was JSON, else its text; for a network error, a description. */
  body: unknown;
  /** Network-level failure ("timeout after 2000 ms", "ECONNREFUSED"), null when an answer came. */
  error: string | null;
}

export class WebhookClient {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 5_000 } });
  private readonly urls = new Map<string, URL>();

  async post(callbackUrl: string, apiKey: string | undefined, body: string, eventId: string, timeoutMs: number): Promise<DeliveryOutcome> {
    let url = this.urls.get(callbackUrl);
    if (!url) {
      try {
        url = new URL(callbackUrl);
      } catch {
        return { status: null, body: `invalid callback_url ${callbackUrl}`, error: 'invalid callback_url' };
      }
      if (this.urls.size > 1000) this.urls.clear();
      this.urls.set(callbackUrl, url);
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'newstore-sandbox-eventstream',
      'x-sandbox-event-id': eventId,
    };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    // A timer of our own: undici's per-request headersTimeout/bodyTimeout are coarse (about a second).
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const res = await exchange(this.agent, { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body, signal: abort.signal });
      const text = res.text;
      let parsed: unknown = text;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
        }
      }
      return { status: res.statusCode, body: parsed, error: null };
    } catch (err) {
      const e = err as Error & { code?: string };
      const description = timedOut
        ? `timeout after ${timeoutMs} ms`
        : (e.code ?? e.message) + (e.code && e.message && !e.message.includes(e.code) ? ` (${e.message})` : '');
      return { status: null, body: description, error: description };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}
