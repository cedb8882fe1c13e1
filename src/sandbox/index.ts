// The nsx sandbox as a library: a local NewStore (event stream API, webhook delivery, rejected events,
// imports, tokens) with fault injection, a demo receiver and an admin API under /_sandbox/.
// It writes nothing to the terminal: pass `log` to hear about problems.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopbackOrigin, TOKEN_PATH_TEMPLATE } from '../api/routes.js';
import { SandboxCore, defaultS3Dir } from './core.js';
import { FaultSpecSchema, type FaultSpec } from './faults.js';
import { startReceiver, type ReceiverRule, type RunningReceiver } from './receiver.js';
import { SCENARIOS } from './scenarios/index.js';
import { createSandboxServer } from './server.js';
import type { SandboxState } from './state.js';
import { DEFAULT_REJECTED_LIMIT } from './state.js';

export type { FaultSpec, FaultRule } from './faults.js';
export type { ReceiverRule, RunningReceiver, ReceiverDelivery, ReceiverOptions } from './receiver.js';
export { startReceiver, isReceiverRule, RECEIVER_RULES } from './receiver.js';
export { SCENARIOS } from './scenarios/index.js';
export { EVENT_NAMES, KNOWN_PRODUCTS, UNKNOWN_PRODUCTS } from './events.js';
export { parseLatency } from './util.js';
export { FAULT_ROUTE_KEYS } from './faults.js';
export type { SandboxCore, EmitSpec, EmitResult } from './core.js';
export type { SandboxState } from './state.js';

export const SANDBOX_TENANT = 'sandbox';
export const SANDBOX_CLIENT_ID = 'nsx-sandbox';
export const SANDBOX_CLIENT_SECRET = 'nsx-sandbox-secret';
export const DEFAULT_SANDBOX_PORT = 4545;

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4545; 0 = any free port. */
  port?: number;
  /** JSON state file; null (default) = memory only. */
  statePath?: string | null;
  /** Ignore an existing state file and seed the scenario anew. */
  reset?: boolean;
  /** 'demo' (default) or 'empty'; see src/sandbox/scenarios/. Used when there is no state to load. */
  scenario?: string;
  /** Divides every time constant (delivery back-off ~20 min at 1, import processing, S3 batches). Default 1. */
  timeScale?: number;
  /** Default 300. Real seconds (not scaled), so a client's token refresh is exercised. */
  tokenTtlSeconds?: number;
  /** Rejected events stored per integration before it stops. Default 100. */
  rejectedLimit?: number;
  /** Chance that a delivered event is delivered a second time. Default 0.02. */
  duplicateProbability?: number;
  /** Chance that two neighbouring events swap places. Default 0.05. */
  reorderProbability?: number;
  /** Per-attempt webhook timeout in real ms. Default 10 s / timeScale, at least 250 ms. */
  deliveryTimeoutMs?: number;
  faults?: FaultSpec;
  /** The built-in demo receiver, started by default (port: sandbox port + 1, or any when port is 0). */
  receiver?: { rule?: ReceiverRule; port?: number; latencyMs?: number | [number, number] } | false;
  /** Folder standing in for S3 buckets. Default <state dir>/s3, or a temp folder when memory only. */
  s3Dir?: string;
  clientId?: string;
  clientSecret?: string;
  /** Seed of the scenario's generator (same seed, same demo data). */
  seed?: number;
  log?: (line: string) => void;
}

export interface RunningSandbox {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** baseUrl + the token path for the sandbox's realm. */
  tokenUrl: string;
  /** URL of the admin API (baseUrl + /_sandbox). */
  adminUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  receiverUrl: string | null;
  receiver: RunningReceiver | null;
  /** True when the state came from statePath (not from the scenario). */
  loadedState: boolean;
  /** In-process access for tests. */
  state: SandboxState;
  core: SandboxCore;
  /** The API's HTTP server (tests listen to its 'request' events to log what was sent). */
  server: Server;
  /** Stops timers and workers, flushes the state, closes the servers. */
  close(): Promise<void>;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`sandbox: ${message}`);
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DEFAULT_SANDBOX_PORT;
  const timeScale = opts.timeScale ?? 1;
  const scenario = opts.scenario ?? 'demo';
  check(timeScale > 0 && Number.isFinite(timeScale), `timeScale must be a positive number, got ${timeScale}`);
  check(Boolean(SCENARIOS[scenario]), `unknown scenario "${scenario}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const duplicateProbability = opts.duplicateProbability ?? 0.02;
  check(duplicateProbability >= 0 && duplicateProbability <= 1, 'duplicateProbability must be within 0..1');
  const rejectedLimit = opts.rejectedLimit ?? DEFAULT_REJECTED_LIMIT;
  check(Number.isInteger(rejectedLimit) && rejectedLimit > 0, 'rejectedLimit must be a positive integer');
  const faults = FaultSpecSchema.parse(opts.faults ?? {});
  const statePath = opts.statePath ?? null;
  const log = opts.log ?? (() => undefined);

  const core = new SandboxCore({
    tenant: SANDBOX_TENANT,
    clientId: opts.clientId ?? SANDBOX_CLIENT_ID,
    clientSecret: opts.clientSecret ?? SANDBOX_CLIENT_SECRET,
    statePath,
    reset: opts.reset ?? false,
    scenario,
    timeScale,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 300,
    rejectedLimit,
    duplicateProbability,
    reorderProbability: opts.reorderProbability ?? 0.05,
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? Math.max(250, 10_000 / timeScale),
    faults,
    s3Dir: opts.s3Dir ?? defaultS3Dir(statePath),
    seed: opts.seed ?? 20261120,
    log,
  });

  let receiver: RunningReceiver | null = null;
  let server: Server | null = null;
  try {
    // A port already taken (a second sandbox) rejects with Node's EADDRINUSE error (code, port) marked
    // with the role of the port ('receiver' or 'api'), for the command to explain.
    if (opts.receiver !== false) {
      const r = opts.receiver ?? {};
      const rule = r.rule ?? SCENARIOS[scenario]?.receiverRule ?? 'accept-all';
      receiver = await startReceiver({ host, port: r.port ?? (port === 0 ? 0 : port + 1), rule, ...(r.latencyMs === undefined ? {} : { latencyMs: r.latencyMs }) }).catch(
        (err: unknown) => Promise.reject(Object.assign(err as Error, { role: 'receiver' })),
      );
      core.receiver = receiver;
    }
    const { loaded } = await core.init();
    server = createSandboxServer(core);
    const srv = server;
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => reject(Object.assign(err, { role: 'api' }));
      srv.once('error', failed);
      srv.listen(port, host, () => {
        srv.off('error', failed);
        resolve();
      });
    });
    const actualPort = (srv.address() as AddressInfo).port;
    const baseUrl = loopbackOrigin(host, actualPort);
    let closing: Promise<void> | null = null;
    return {
      baseUrl,
      tokenUrl: baseUrl + TOKEN_PATH_TEMPLATE.replace('{tenant}', SANDBOX_TENANT),
      adminUrl: `${baseUrl}/_sandbox`,
      tenant: SANDBOX_TENANT,
      clientId: core.options.clientId,
      clientSecret: core.options.clientSecret,
      receiverUrl: receiver?.url ?? null,
      receiver,
      loadedState: loaded,
      state: core.state,
      core,
      server: srv,
      close() {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
          srv.closeIdleConnections();
          await core.close();
          srv.closeAllConnections();
          await closed;
          await receiver?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    // Not started: the state file is left as it was (it may be the one a running sandbox uses).
    await core.close({ save: false }).catch(() => undefined);
    server?.close();
    await receiver?.close().catch(() => undefined);
    throw err;
  }
}
