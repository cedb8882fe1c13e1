// An in-process sandbox for e2e tests plus the environment that points a child nsx at it.
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
  const sandbox = await startSandbox({ port: 0, statePath: null, timeScale: 1000, ...options });
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
