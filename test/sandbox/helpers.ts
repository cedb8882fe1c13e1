// Helpers for the sandbox's tests: a sandbox on a free loopback port, a token, and plain fetch calls.
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export const EVENTSTREAM = '/api/v1/org/integrations/eventstream';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestSandbox {
  sb: RunningSandbox;
  token: string;
  /** Calls the NewStore API with the bearer token. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  /** Calls the admin API (no auth). */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function call<T = any>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    if (!(body instanceof Uint8Array) && typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export async function getToken(sb: RunningSandbox): Promise<string> {
  const res = await fetch(sb.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  const sb = await startSandbox({ port: 0, statePath: null, timeScale: 100_000, scenario: 'empty', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 2000, ...opts });
  const token = await getToken(sb);
  return {
    sb,
    token,
    api: (method, path, body, headers = {}) => call(`${sb.baseUrl}${path}`, method, body, { authorization: `Bearer ${token}`, ...headers }),
    admin: (method, path, body) => call(`${sb.baseUrl}/_sandbox${path}`, method, body),
    close: () => sb.close(),
  };
}

/** Polls until `check` returns a truthy value, or fails after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function webhook(id: string, callbackUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, callback_parameters: { callback_url: callbackUrl, api_key: `key-${id}` }, ...extra };
}
