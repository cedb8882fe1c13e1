// An in-process sandbox for e2e tests plus the environment that points a child nsx at it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { isolatedHome, runNsx, type RunOptions, type RunResult } from './cli.js';

export interface SandboxHarness {
  sandbox: RunningSandbox;
  /** Variables that point nsx at the sandbox (base URL, token URL, credentials, isolated dirs). */
  env: Record<string, string>;
  /** Runs the built nsx against the sandbox. */
  nsx(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Calls a sandbox admin endpoint (/_sandbox/...) and returns its JSON. */
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
      const res = await fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
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
