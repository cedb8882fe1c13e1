// The checks of `nsx doctor`, each answering one question with ok / warn / fail and one line of detail.
// They print nothing themselves; doctor.ts shows the results.
import { existsSync } from 'node:fs';
import type { ApiClient } from '../../api/client.js';
import { proxyInEffect } from '../../api/http.js';
import { tokenCachePath } from '../../config/api-client.js';
import type { Settings } from '../../config/profiles.js';
import { configFilePath, credentialsFilePath } from '../../config/profiles.js';
import { configDir } from '../../config/paths.js';
import { permissionProblems } from '../../config/secure-files.js';
import { ApiError, AuthError } from '../../errors.js';
import { formatDuration } from '../../input/time.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
}

/** Clock skew that starts to matter (relative --since values, token lifetimes), and that breaks things. */
export const SKEW_WARN_MS = 30_000;
export const SKEW_FAIL_MS = 5 * 60_000;

const result = (check: string, status: CheckStatus, detail: string): CheckResult => ({ check, status, detail });
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Owner-only config folder and files; a secret file others can read fails, the rest warns. */
export function checkConfigPermissions(): CheckResult {
  const dir = configDir();
  if (!existsSync(dir)) return result('config', 'ok', `no config folder yet (${dir}); settings come from flags and environment`);
  const secretFiles = [credentialsFilePath(), tokenCachePath()].flatMap((f) => permissionProblems(f, 'file'));
  const others = [...permissionProblems(dir, 'dir'), ...permissionProblems(configFilePath(), 'file')];
  if (secretFiles.length) return result('config', 'fail', `${[...secretFiles, ...others].join('; ')} (fix: chmod 600 FILE, chmod 700 DIR)`);
  if (others.length) return result('config', 'warn', `${others.join('; ')} (fix: chmod 700 DIR, chmod 600 FILE)`);
  return result('config', 'ok', `${dir} and its files are owner-only`);
}

export function checkProfile(settings: Settings): CheckResult {
  const where = `profile ${settings.profile}${settings.profileExists ? '' : ' (not saved)'}, tenant ${settings.tenant ?? '(none)'}, stage ${settings.stage}`;
  if (!settings.baseUrl) return result('profile', 'fail', `${where}: no API base URL (set a tenant: nsx config set tenant T, or --base-url)`);
  const overrides = Object.keys(settings.overrides ?? {});
  return result('profile', 'ok', `${where}, API ${settings.baseUrl}${overrides.length ? `, overrides: ${overrides.join(', ')} (nsx config list)` : ''}`);
}

export function checkCredentials(settings: Settings): CheckResult {
  if (settings.staticToken) return result('credentials', 'ok', 'NSX_TOKEN is set: a ready token, client credentials are not used');
  const missing = [!settings.clientId && 'client id', !settings.clientSecret && 'client secret'].filter(Boolean);
  if (missing.length) {
    return result('credentials', 'fail', `no ${missing.join(' and ')} for profile ${settings.profile} (nsx auth login, or NSX_CLIENT_ID / NSX_CLIENT_SECRET)`);
  }
  return result('credentials', 'ok', `client id ${settings.clientId}, secret from ${settings.sources.clientSecret ?? 'profile'}`);
}

/** Asks the token endpoint for a fresh token (a cached one would prove nothing about the credentials). */
export async function checkToken(client: ApiClient, settings: Settings): Promise<CheckResult> {
  if (settings.staticToken) return result('token', 'ok', 'NSX_TOKEN given: not fetched (the api check uses it)');
  const started = performance.now();
  try {
    const info = await client.tokens.info(true);
    const ms = performance.now() - started;
    const lifetime = info.expiresAt ? `, valid for ${formatDuration(info.expiresAt - Date.now())}` : '';
    return result('token', 'ok', `obtained from ${hostOf(settings.tokenUrl)} in ${formatDuration(ms)}${lifetime}`);
  } catch (error) {
    return result('token', 'fail', message(error));
  }
}

export interface ApiProbe {
  api: CheckResult;
  /** The server's clock (Date header), when it answered. */
  serverDate: number | undefined;
  /** Local time halfway through the request: the moment the Date header best describes. */
  localMidpoint: number;
}

/**
 * One authenticated read (the integrations list): reachable, authorised, and the server's Date header.
 * Without a token it still finds out whether the API answers at all, with an unauthenticated call.
 */
export async function probeApi(client: ApiClient, tokenOk: boolean): Promise<ApiProbe> {
  const host = hostOf(client.http.baseUrl);
  const started = Date.now();
  const t0 = performance.now();
  const probe = (status: CheckStatus, detail: string, serverDate?: number): ApiProbe => ({
    api: result('api', status, detail),
    serverDate,
    localMidpoint: started + (performance.now() - t0) / 2,
  });
  try {
    const answer = await client.probe.reach({ authenticated: tokenOk });
    const ms = performance.now() - t0;
    return probe('ok', `${host} answered ${answer.status} in ${formatDuration(ms)}${answer.items !== undefined ? ` (${answer.items} integrations)` : ''}`, headerDate(answer.date));
  } catch (error) {
    if (!tokenOk && error instanceof ApiError) {
      return probe('warn', `${host} is reachable (answered ${error.status} without a token); fix the token to check access`);
    }
    if (error instanceof AuthError) return probe('fail', `${host} is reachable but refused the token: ${message(error)}`);
    return probe('fail', message(error));
  }
}

export function checkClock(probe: ApiProbe): CheckResult {
  if (probe.serverDate === undefined) {
    return result('clock', 'warn', 'not checked: no Date header from the API (see the api check)');
  }
  // Date has whole seconds: the server's clock was somewhere in [date, date + 1s).
  const skew = probe.serverDate + 500 - probe.localMidpoint;
  const size = Math.abs(skew);
  const says = size < 1500 ? 'within a second of the server' : `${formatDuration(size)} ${skew > 0 ? 'behind' : 'ahead of'} the server`;
  if (size >= SKEW_FAIL_MS) return result('clock', 'fail', `this machine's clock is ${says}: relative times (--since 2h) and token lifetimes go wrong; sync it (NTP)`);
  if (size >= SKEW_WARN_MS) return result('clock', 'warn', `this machine's clock is ${says}`);
  return result('clock', 'ok', `this machine's clock is ${says}`);
}

export function checkProxy(env: NodeJS.ProcessEnv): CheckResult {
  const proxy = proxyInEffect(env);
  if (!proxy) return result('proxy', 'ok', 'none: direct connections (HTTPS_PROXY / HTTP_PROXY not set)');
  if (proxy === 'set but not a URL') return result('proxy', 'fail', 'HTTPS_PROXY / HTTP_PROXY is set but is not a URL');
  return result('proxy', 'ok', `requests go through ${proxy}`);
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : '(none)';
  } catch {
    return url ?? '(none)';
  }
}

function headerDate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
