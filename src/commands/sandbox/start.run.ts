// nsx sandbox start: the sandbox in the foreground. Prints the settings to use, writes the "sandbox"
// profile, and on Ctrl-C (or SIGTERM) stops delivery, saves the state and exits 0.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { start } from './start.js';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { PreconditionError, UsageError } from '../../errors.js';
import { stateDir } from '../../config/paths.js';
import { upsertProfile } from '../../config/profiles.js';
import type { FaultSpec, ReceiverRule } from '../../sandbox/index.js';
import { loopbackOrigin } from '../../api/routes.js';
import { SandboxAdminApi } from '../../api/sandbox-admin.js';
import { isPort, isPositiveInt, isRate, parseLatencyFlag, parseNumber, parseRateLimits } from './numbers.js';
import { SANDBOX_PROFILE, untilStopped } from './running-sandbox.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof start>, opts: OptionsOf<typeof start>): Promise<void> {
  const { startSandbox, parseLatency, isReceiverRule, SCENARIOS, RECEIVER_RULES, FAULT_ROUTE_KEYS } = await import('../../sandbox/index.js');
  const faults: FaultSpec = {};
  const latencyMs = parseLatencyFlag(opts.latency, parseLatency);
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  const errorRate = parseNumber(opts.errorRate, '--error-rate', isRate, 'a share from 0 to 1');
  const throttleRate = parseNumber(opts.throttleRate, '--throttle-rate', isRate, 'a share from 0 to 1');
  const resetRate = parseNumber(opts.resetRate, '--reset-rate', isRate, 'a share from 0 to 1');
  if (errorRate !== undefined) faults.errorRate = errorRate;
  if (throttleRate !== undefined) faults.throttleRate = throttleRate;
  if (resetRate !== undefined) faults.resetRate = resetRate;
  Object.assign(faults, parseRateLimits(opts.rateLimit ?? [], FAULT_ROUTE_KEYS));
  const port = parseNumber(opts.port, '--port', isPort, 'a port number') ?? 4545;
  const receiverPort = parseNumber(opts.receiverPort, '--receiver-port', isPort, 'a port number');
  const timeScale = parseNumber(opts.timeScale, '--time-scale', (n) => n > 0, 'a positive number') ?? 1;
  const rejectedLimit = parseNumber(opts.rejectedLimit, '--rejected-limit', isPositiveInt, 'a positive whole number');
  const tokenTtl = parseNumber(opts.tokenTtl, '--token-ttl', isPositiveInt, 'a positive whole number of seconds');
  const scenario = opts.scenario ?? 'demo';
  if (!SCENARIOS[scenario]) throw new UsageError(`--scenario: unknown scenario "${scenario}"`, { hint: `known: ${Object.keys(SCENARIOS).join(', ')}` });
  if (opts.receiverRule !== undefined && !isReceiverRule(opts.receiverRule)) {
    throw new UsageError(`--receiver-rule: unknown rule "${opts.receiverRule}"`, { hint: `rules: ${RECEIVER_RULES.join(', ')}` });
  }
  const statePath = opts.state === false ? null : typeof opts.state === 'string' ? opts.state : join(stateDir(), 'sandbox.json');
  const host = opts.host ?? '127.0.0.1';

  const receiver =
    opts.receiver === false
      ? false
      : { ...(opts.receiverRule ? { rule: opts.receiverRule as ReceiverRule } : {}), ...(receiverPort !== undefined ? { port: receiverPort } : {}) };
  ctx.handleInterrupts();
  const sandbox = await startSandbox({
    host,
    port,
    statePath,
    reset: Boolean(opts.reset),
    scenario,
    timeScale,
    faults,
    receiver,
    ...(rejectedLimit !== undefined ? { rejectedLimit } : {}),
    ...(tokenTtl !== undefined ? { tokenTtlSeconds: tokenTtl } : {}),
    log: (line) => ctx.output.warn(line),
  }).catch(async (error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? await portTaken(error as ListenError, host, port, receiverPort ?? port + 1) : error;
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await sandbox.close();
  };
  ctx.defer(close);

  if (opts.profile !== false) {
    await upsertProfile(
      SANDBOX_PROFILE,
      { tenant: sandbox.tenant, stage: 'sandbox', 'base-url': sandbox.baseUrl, 'token-url': sandbox.tokenUrl, 'client-id': sandbox.clientId },
      { clientSecret: sandbox.clientSecret },
    );
  }

  const settings = {
    base_url: sandbox.baseUrl,
    token_url: sandbox.tokenUrl,
    tenant: sandbox.tenant,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    receiver_url: sandbox.receiverUrl,
    receiver_rule: sandbox.receiver?.rule ?? null,
    admin_url: sandbox.adminUrl,
    state: statePath,
    loaded_state: sandbox.loadedState,
    scenario: sandbox.loadedState ? null : scenario,
    time_scale: timeScale,
    profile: opts.profile === false ? null : SANDBOX_PROFILE,
  };
  // The sandbox's own secret is meant to be shown: it is what the user types elsewhere.
  const lines = [
    `nsx sandbox: a local NewStore is running (Ctrl-C to stop; the state is saved)`,
    `  base URL       ${sandbox.baseUrl}`,
    `  token URL      ${sandbox.tokenUrl}`,
    `  tenant         ${sandbox.tenant}`,
    `  client id      ${sandbox.clientId}`,
    `  client secret  ${sandbox.clientSecret}`,
    `  receiver       ${sandbox.receiverUrl ? `${sandbox.receiverUrl} (rule ${sandbox.receiver?.rule})` : 'not started'}`,
    `  admin API      ${sandbox.adminUrl}/`,
    `  state          ${statePath ? `${statePath}${sandbox.loadedState ? ' (loaded)' : ` (new, scenario ${scenario})`}` : `memory only (scenario ${scenario})`}`,
    `  time scale     ${timeScale}`,
    '',
    opts.profile === false ? `Point nsx at it with NSX_BASE_URL / NSX_TOKEN_URL / NSX_TENANT / NSX_CLIENT_ID / NSX_CLIENT_SECRET.` : `Profile "${SANDBOX_PROFILE}" points at it. In another terminal:`,
    ...(opts.profile === false ? [] : [`  export NSX_PROFILE=${SANDBOX_PROFILE}`, '  nsx integrations list']),
  ];
  for (const line of lines) ctx.output.notice(line);
  if (ctx.output.isJson) ctx.output.object(settings, () => '');

  // Runs until Ctrl-C (the context aborts ctx.signal) or SIGTERM, both as the IO delivers them.
  await untilStopped(ctx);
  ctx.output.info('nsx sandbox: stopping (saving the state)...');
  await close();
  ctx.output.success(`sandbox stopped${statePath ? `; state saved to ${statePath}` : ''}`);
}

interface ListenError extends NodeJS.ErrnoException {
  port?: number;
  role?: 'api' | 'receiver';
}

/** What answers at this origin: a sandbox's description, or undefined (something else, or nothing). */
function sandboxAt(origin: string): Promise<{ state_path?: string | null } | undefined> {
  return new SandboxAdminApi(origin).info({ timeoutMs: 1500 });
}

/**
 * A port is taken (exit 7): a sandbox already runs there (it answers /_sandbox/), or another program
 * holds the port. Either way: which port, and the flag that picks another.
 */
async function portTaken(error: ListenError, host: string, port: number, receiverPort: number): Promise<PreconditionError> {
  const busy = error.port ?? (error.role === 'receiver' ? receiverPort : port);
  const origin = (p: number) => loopbackOrigin(host, p);
  const flag = error.role === 'receiver' ? '--receiver-port' : '--port';
  // The receiver's port is the API's + 1: a sandbox on the API port explains a taken receiver port too.
  const running = (await sandboxAt(origin(port))) ?? (busy !== port ? await sandboxAt(origin(busy)) : undefined);
  if (running) {
    const state = running.state_path ? ` (state ${running.state_path})` : '';
    // A second sandbox needs its API port and the receiver's (+ 1) free.
    const second = await freePortFrom(host, port + 10, 2);
    return new PreconditionError(`a sandbox is already running at ${origin(port)}${state}: port ${busy} is taken`, {
      hint: `use that one (export NSX_PROFILE=sandbox), stop it (Ctrl-C in its terminal), or start a second one on other ports with its own state: nsx sandbox start --port ${second} --state FILE`,
    });
  }
  // The API port needs the one after it free too, unless --receiver-port names the receiver's.
  const another = `${flag} ${await freePortFrom(host, busy + 10, error.role === 'receiver' || receiverPort !== port + 1 ? 1 : 2)}`;
  const what = error.role === 'receiver' ? "the sandbox's receiver" : 'the sandbox';
  return new PreconditionError(`port ${busy} on ${host} is already in use by another program (not a sandbox: it does not answer /_sandbox/), so ${what} cannot listen there`, {
    hint: `pick another port: nsx sandbox start ${another}`,
  });
}

/** Whether `count` ports from `port` on can be listened on right now. */
async function portsFree(host: string, port: number, count: number): Promise<boolean> {
  for (let p = port; p < port + count; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(p, host, () => probe.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/**
 * The port a hint suggests: the first of start, start + 10, start + 20, ... with `count` ports free
 * now (a hint that names a taken port would only fail again). After 20 tries, start itself.
 */
async function freePortFrom(host: string, start: number, count: number): Promise<number> {
  for (let p = start, tries = 0; tries < 20 && p + count <= 65536; p += 10, tries++) if (await portsFree(host, p, count)) return p;
  return start;
}
