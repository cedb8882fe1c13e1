// The one sandbox harness of the tests: an in-process sandbox on a free loopback port, called over plain
// HTTP. startTestSandbox is for the sandbox's own tests (a token, raw answers); sandboxHarness adds the
// environment that points a child nsx at it. Admin paths are written whole, as the README and
// SANDBOX_ROUTES write them: h.admin('POST', '/_sandbox/emit', ...).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { isolatedHome, runNsx, type RunOptions, type RunResult } from './cli.js';

export const EVENTSTREAM = '/api/v1/org/integrations/eventstream';

/** An HTTP answer as the tests look at it. */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One request; a JSON body is sent as JSON, a string or bytes as they are; the answer's JSON parsed when it is JSON. */
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

export interface TestSandbox {
  sb: RunningSandbox;
  token: string;
  /** Calls the NewStore API with the bearer token. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  /** Calls the admin API (no auth), e.g. admin('PUT', '/_sandbox/faults', {...}); the raw answer. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** A sandbox for the sandbox's own tests: empty, fast time, no duplicates or reordering, short delivery timeout. */
export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  const sb = await startSandbox({ port: 0, statePath: null, timeScale: 100_000, scenario: 'empty', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 2000, ...opts });
  const token = await getToken(sb);
  return {
    sb,
    token,
    api: (method, path, body, headers = {}) => call(`${sb.baseUrl}${path}`, method, body, { authorization: `Bearer ${token}`, ...headers }),
    admin: (method, path, body) => call(`${sb.baseUrl}${path}`, method, body),
    close: () => sb.close(),
  };
}

export function webhook(id: string, callbackUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, callback_parameters: { callback_url: callbackUrl, api_key: `key-${id}` }, ...extra };
}

export interface SandboxHarness {
  sandbox: RunningSandbox;
  /** Variables that point nsx at the sandbox (base URL, token URL, credentials, isolated dirs). */
  env: Record<string, string>;
  /** Runs the built nsx against the sandbox. */
  nsx(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Calls a sandbox admin endpoint (/_sandbox/...) and returns its JSON; throws on an answer other than 2xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function sandboxHarness(options: SandboxOptions = {}): Promise<SandboxHarness> {
  const home = isolatedHome();
  // A generous webhook timeout (the default at this time scale is 250 ms): on a busy machine a receiver
  // answering in 60 ms can take longer, and a test about something else would see a failed delivery.
  const sandbox = await startSandbox({ port: 0, statePath: null, timeScale: 1000, deliveryTimeoutMs: 5000, ...options });
  const env = {
    ...home.env,
    NSX_BASE_URL: sandbox.baseUrl,
    NSX_TOKEN_URL: sandbox.tokenUrl,
    NSX_TENANT: sandbox.tenant,
    NSX_CLIENT_ID: sandbox.clientId,
    NSX_CLIENT_SECRET: sandbox.clientSecret,
  };
  return {
    sandbox,
    env,
    nsx: (args, runOptions = {}) => runNsx(args, { ...runOptions, env: { ...env, ...runOptions.env } }),
    admin: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const answer = await call<T>(`${sandbox.baseUrl}${path}`, method, body);
      if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path} -> ${answer.status}: ${answer.text}`);
      return answer.body;
    },
    close: async () => {
      await sandbox.close();
      home.cleanup();
    },
  };
}

/**
 * A profile named `name` in the harness's config dir that points at its sandbox (as `nsx sandbox start`
 * writes one), and the variables that leave the harness's own settings out, so that the profile alone
 * chooses the tenant: `h.nsx(args, { env: { ...writeSandboxProfile(h), NSX_PROFILE: 'sandbox' } })`.
 */
export function writeSandboxProfile(h: SandboxHarness, name = 'sandbox'): Record<string, string | undefined> {
  const dir = h.env.NSX_CONFIG_DIR!;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const profile = { tenant: h.sandbox.tenant, stage: 'sandbox', 'base-url': h.sandbox.baseUrl, 'token-url': h.sandbox.tokenUrl, 'client-id': h.sandbox.clientId };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: { [name]: profile } }), { mode: 0o600 });
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ profiles: { [name]: { client_secret: h.sandbox.clientSecret } } }), { mode: 0o600 });
  return { NSX_BASE_URL: undefined, NSX_TOKEN_URL: undefined, NSX_TENANT: undefined, NSX_CLIENT_ID: undefined, NSX_CLIENT_SECRET: undefined };
}
