// The sandbox's HTTP server: routes from the shared ROUTES table (so client and sandbox never disagree),
// the token endpoint, bearer auth, fault injection, and the /_sandbox/ admin API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ROUTES, STATUS, TOKEN_PATH_TEMPLATE, routePattern, type HttpMethod, type RouteName } from '../api/routes.js';
import { handleAdmin } from './admin.js';
import { API_HANDLERS, type ApiHandler } from './api.js';
import type { SandboxCore } from './core.js';
import { decide, hasFaults, rateLimited, ruleFor } from './faults.js';
import { HttpProblem, problem, readBody, sendJson, sendProblem } from './http.js';
import { pause } from '../timers.js';
import { LOOPBACK_ADDRESSES, pickLatency, randomId } from './util.js';

interface CompiledRoute {
  name: RouteName;
  method: HttpMethod;
  pattern: RegExp;
  handler: ApiHandler | null;
}

const COMPILED: CompiledRoute[] = (Object.keys(ROUTES) as RouteName[]).map((name) => ({
  name,
  method: ROUTES[name].method,
  pattern: routePattern(ROUTES[name]),
  handler: API_HANDLERS[name] ?? null,
}));
const TOKEN_PATTERN = routePattern({ method: 'POST', path: TOKEN_PATH_TEMPLATE, idempotent: false });

const REQUEST_PREFIX = randomId('', 4);
let requestCounter = 0;

function decodeParams(groups: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in groups) {
    const v = groups[k]!;
    if (!v.includes('%')) {
      out[k] = v; // the common case: nothing to decode
      continue;
    }
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export function createSandboxServer(core: SandboxCore): Server {
  const server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 120_000 }, (req, res) => {
    const requestId = `${REQUEST_PREFIX}-${(++requestCounter).toString(36)}`;
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    handle(core, req, res, path, q < 0 ? '' : url.slice(q + 1)).catch((err: unknown) => {
      const p = err instanceof HttpProblem ? err : problem(500, (err as Error).message);
      if (!(err instanceof HttpProblem)) core.options.log(`sandbox: ${req.method} ${path} failed: ${(err as Error).stack ?? String(err)}`);
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      req.resume(); // drain an unread body so keep-alive goes on
      sendProblem(res, p, requestId, path);
    });
  });
  return server;
}

async function handle(core: SandboxCore, req: IncomingMessage, res: ServerResponse, path: string, queryText: string): Promise<void> {
  const query = new URLSearchParams(queryText);
  if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
    if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '')) throw problem(403, 'the /_sandbox/ admin API answers loopback clients only');
    return handleAdmin(core, req, res, path, query);
  }

  const token = TOKEN_PATTERN.exec(path);
  if (token) {
    if (req.method !== 'POST') throw problem(405, 'the token endpoint takes POST', { allow: 'POST' });
    if (!(await applyFaults(core, 'token', req, res))) return;
    return handleToken(core, req, res, decodeParams(token.groups).tenant ?? '');
  }

  let route: CompiledRoute | null = null;
  let params: Record<string, string> = {};
  const allowed: string[] = [];
  for (const r of COMPILED) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method === req.method) {
      route = r;
      params = decodeParams(m.groups);
      break;
    }
    allowed.push(r.method);
  }
  if (!route) {
    if (allowed.length > 0) throw problem(405, `${req.method} is not allowed on ${path}`, { allow: [...new Set(allowed)].join(', ') });
    throw problem(404, `no such resource: ${path}`);
  }
  if (!(await applyFaults(core, route.name, req, res))) return;
  if (route.name === 'legacyPasswordToken') return handleLegacyToken(core, req, res);

  const auth = req.headers.authorization;
  if (!auth) throw problem(STATUS.missingToken, 'missing Authorization header (Bearer token)', { 'www-authenticate': 'Bearer' });
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  const check = m ? core.tokens.check(m[1]!) : 'invalid';
  if (check !== 'ok') throw problem(STATUS.invalidToken, check === 'expired' ? 'the access token has expired' : 'the access token is not valid');
  if (!route.handler) throw problem(404, `no such resource: ${path}`);
  await route.handler({ req, res, params, query, core });
}

/** Applies the configured faults of a route; false when the answer was already given (or the socket dropped). */
async function applyFaults(core: SandboxCore, routeName: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!hasFaults(core.faults)) return true;
  const rule = ruleFor(core.faults, routeName);
  const delay = pickLatency(rule.latencyMs);
  if (delay > 0) await pause(delay);
  const wait = rateLimited(core.faults, routeName);
  if (wait !== undefined) throw problem(429, 'rate limit exceeded (sandbox rate limit)', { 'retry-after': String(wait) });
  const action = decide(rule);
  switch (action.kind) {
    case 'none':
      return true;
    case 'reset':
      req.socket.destroy();
      return false;
    case 'throttle':
      throw problem(429, 'rate limit exceeded (sandbox fault injection)', { 'retry-after': String(action.retryAfterSeconds) });
    case 'error':
      throw problem(action.status, 'injected failure (sandbox fault injection)');
  }
}

function parseCredentials(req: IncomingMessage, form: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      const dec = (s: string): string => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
    }
  }
  return { id: form.get('client_id'), secret: form.get('client_secret') };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = (await readBody(req, 64 * 1024)).toString('utf8');
  if (type !== 'application/x-www-form-urlencoded' && body.length > 0) {
    throw problem(415, 'the token endpoint takes Content-Type application/x-www-form-urlencoded', {}, { error: 'invalid_request' });
  }
  return new URLSearchParams(body);
}

async function handleToken(core: SandboxCore, req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> {
  if (tenant !== core.options.tenant) throw problem(404, `realm ${tenant} does not exist (the sandbox's realm is ${core.options.tenant})`, {}, { error: 'realm_not_found' });
  const form = await readForm(req);
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    throw problem(400, `grant_type: must be client_credentials, got "${grant ?? ''}"`, {}, { error: 'unsupported_grant_type' });
  }
  const { id, secret } = parseCredentials(req, form);
  if (!id || !secret) throw problem(401, 'client_id and client_secret are required (form fields or HTTP Basic)', {}, { error: 'invalid_client' });
  if (id !== core.options.clientId || secret !== core.options.clientSecret) throw problem(401, 'invalid client credentials', {}, { error: 'invalid_client' });
  sendJson(res, 200, core.tokens.issue(id), { 'cache-control': 'no-store' });
}

/** The deprecated password grant [contract §1]: username/password are the sandbox's client id/secret. */
async function handleLegacyToken(core: SandboxCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  if (form.get('grant_type') !== 'password') throw problem(400, 'grant_type: must be password', {}, { error: 'unsupported_grant_type' });
  if (form.get('username') !== core.options.clientId || form.get('password') !== core.options.clientSecret) {
    throw problem(401, 'invalid username or password', {}, { error: 'invalid_grant' });
  }
  sendJson(res, 200, core.tokens.issue(core.options.clientId), { 'cache-control': 'no-store' });
}
