// Profiles (conf, in the config dir) and the one precedence rule: flags > environment > profile > defaults.
// Client secrets live in a separate credentials file; both files are 0600 in a 0700 folder.
import { join } from 'node:path';
import type Conf from 'conf';
import {
  apiBaseUrl,
  applyCorrections,
  DEFAULT_STAGE,
  formatRoute,
  isLoopbackHost,
  parsePaginationOverride,
  parseRouteOverride,
  tokenUrl as defaultTokenUrl,
  type ApiCorrections,
} from '../api/routes.js';
import type { ProxyEnv } from '../api/http.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../input/time.js';
import { currentIO } from '../io.js';
import { configDir } from './paths.js';
import { rememberProfiles } from './id-cache.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, readJsonFile, refuseLink } from './secure-files.js';

/** Settable profile keys, as typed by users (`nsx config set base-url ...`). */
export const PROFILE_KEYS = ['tenant', 'stage', 'base-url', 'token-url', 'client-id', 'timeout', 'output'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string>> & {
  /** Corrections of assumed routes, by ROUTES name: `{"listLogs": "GET /…/{id}/log_entries"}`. */
  routes?: Record<string, string>;
  /** Corrections of pagination: `{"count": "limit", "page-size": "100"}`. */
  pagination?: Record<string, string>;
};

type ConfigFile = {
  current_profile?: string;
  profiles: Record<string, Profile>;
};
type CredentialsFile = {
  profiles: Record<string, { client_secret?: string }>;
};

export const DEFAULT_PROFILE = 'default';
export const DEFAULT_TIMEOUT_MS = 30_000;

// Writes go through conf (atomic, owner-only, validated); reads parse the same JSON files directly, so
// the commands that only read a profile (every API call) do not load conf and ajv at start-up.
// One store per file: runs in one process with different config dirs (tests) each write their own.
const stores = new Map<string, Conf<ConfigFile> | Conf<CredentialsFile>>();
let ConfClass: typeof Conf | undefined;

async function loadConf(): Promise<void> {
  ConfClass ??= (await import('conf')).default;
}

function openStore<T extends Record<string, unknown>>(name: string, defaults: NoInfer<T>): Conf<T> {
  if (!ConfClass) throw new Error('internal: conf is not loaded');
  const dir = configDir();
  ensurePrivateDir(dir);
  refuseLink(join(dir, `${name}.json`), 'file'); // conf would replace it; nsx refuses links in its folders
  const open = stores.get(join(dir, name));
  if (open) return open as unknown as Conf<T>;
  const store = new ConfClass<T>({
    cwd: dir,
    configName: name,
    projectName: 'nsx',
    projectSuffix: '',
    configFileMode: PRIVATE_FILE_MODE,
    defaults: defaults as never,
    clearInvalidConfig: false,
  });
  stores.set(join(dir, name), store as never);
  return store;
}

async function config(): Promise<Conf<ConfigFile>> {
  await loadConf();
  return openStore<ConfigFile>('config', { profiles: {} });
}
async function credentials(): Promise<Conf<CredentialsFile>> {
  await loadConf();
  return openStore<CredentialsFile>('credentials', { profiles: {} });
}

function readConfig(): ConfigFile {
  const file = readJsonFile<ConfigFile>(configFilePath()) ?? { profiles: {} };
  rememberProfiles(configFilePath(), () => profileNamesOf(file));
  return file;
}
function profileNamesOf(file: ConfigFile): { names: string[]; current: string } {
  return { names: Object.keys(file.profiles ?? {}), current: file.current_profile ?? DEFAULT_PROFILE };
}
/** After a write: the names completion offers follow at once. */
function profilesWritten(): void {
  const file = readJsonFile<ConfigFile>(configFilePath()) ?? { profiles: {} };
  rememberProfiles(configFilePath(), () => profileNamesOf(file), true);
}
function readCredentials(): CredentialsFile {
  return readJsonFile<CredentialsFile>(credentialsFilePath()) ?? { profiles: {} };
}

/** Drops cached stores (a test that removes a config dir and makes it again). */
export function resetProfileStores(): void {
  stores.clear();
}

export function configFilePath(): string {
  return join(configDir(), 'config.json');
}
export function credentialsFilePath(): string {
  return join(configDir(), 'credentials.json');
}

export function listProfiles(): Record<string, Profile> {
  return readConfig().profiles ?? {};
}
export function currentProfileName(): string {
  return readConfig().current_profile ?? DEFAULT_PROFILE;
}
export async function useProfile(name: string): Promise<void> {
  (await config()).set('current_profile', name);
  profilesWritten();
}
export function getProfile(name: string): Profile | undefined {
  return listProfiles()[name];
}

/**
 * The profiles a multi-tenant command reads: every one of the config with `all`, the names of a comma list
 * (`--profile a,b,c`), or undefined for one profile (the global --profile takes one name elsewhere).
 * Throws UsageError for an unknown name or an empty list.
 */
export function profileList(text: string | undefined, all: boolean): string[] | undefined {
  const known = listProfiles();
  if (all) {
    if (text !== undefined) throw new UsageError('--all-profiles reads every profile: leave out --profile');
    const names = Object.keys(known).sort();
    if (names.length === 0) throw new UsageError('--all-profiles: the config has no profiles', { hint: 'create one with: nsx auth login --profile NAME --tenant TENANT' });
    return names;
  }
  if (text === undefined || !text.includes(',')) return undefined;
  const names = [...new Set(text.split(',').map((n) => n.trim()))];
  if (names.some((n) => n === '')) throw new UsageError(`--profile: "${text}" has an empty name (expected a,b,c)`);
  const unknown = names.filter((n) => !Object.hasOwn(known, n));
  if (unknown.length) throw new UsageError(`--profile: no profile named ${unknown.map((n) => `"${n}"`).join(', ')}`, { hint: 'see the profiles with: nsx config list' });
  return names;
}

export function isProfileKey(key: string): key is ProfileKey {
  return (PROFILE_KEYS as readonly string[]).includes(key);
}

/** Checks a value before it is stored, so a bad profile is refused at `config set`, not at the next call. */
export function validateProfileValue(key: ProfileKey, value: string): string {
  switch (key) {
    case 'timeout':
      parseDuration(value, 'timeout');
      return value;
    case 'output':
      if (!['table', 'json', 'ndjson', 'tsv'].includes(value)) {
        throw new UsageError(`output must be one of table, json, ndjson, tsv (got "${value}")`);
      }
      return value;
    case 'base-url':
    case 'token-url':
      return assertAllowedUrl(value, key);
    case 'tenant':
      if (!/^[a-z0-9][a-z0-9-]*$/i.test(value)) throw new UsageError(`tenant "${value}" is not a valid tenant name`);
      return value;
    case 'stage':
      if (!/^[a-z]+$/i.test(value)) throw new UsageError(`stage "${value}" is not a valid stage (p, x, s, t, ...)`);
      return value;
    default:
      if (!value) throw new UsageError(`${key} cannot be empty`);
      return value;
  }
}

// ---- Corrections of what nsx assumes about NewStore (routes.*, pagination.*) ----------------------

/** `routes.<route name>` or `pagination.<offset|count|page-size>`, as typed by users. */
export type CorrectionKey = `routes.${string}` | `pagination.${string}`;
export const CORRECTION_GROUPS = ['routes', 'pagination'] as const;

export function isCorrectionKey(key: string): key is CorrectionKey {
  return /^(?:routes|pagination)\.[^.]+$/.test(key);
}
function splitCorrectionKey(key: CorrectionKey): ['routes' | 'pagination', string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot) as 'routes' | 'pagination', key.slice(dot + 1)];
}

/** Checks one correction and returns it as stored (a route as "METHOD /path"); UsageError (exit 2) otherwise. */
export function validateCorrection(key: CorrectionKey, value: string): string {
  const [group, name] = splitCorrectionKey(key);
  if (group === 'routes') return formatRoute(parseRouteOverride(name, value));
  parsePaginationOverride(name, value);
  return value.trim();
}

/** A profile's value for a plain key or a correction key. */
export function profileValue(profile: Profile | undefined, key: ProfileKey | CorrectionKey): string | undefined {
  if (!isCorrectionKey(key)) return profile?.[key];
  const [group, name] = splitCorrectionKey(key);
  const table = profile?.[group];
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** The corrections a profile holds, as typed (`{"routes.listLogs": "GET /…"}`), in a stable order. */
export function profileCorrections(profile: Profile | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const group of CORRECTION_GROUPS) {
    for (const [name, value] of Object.entries(profile?.[group] ?? {})) out[`${group}.${name}`] = String(value);
  }
  return out;
}

/**
 * Reads and checks every correction of a profile (at load: a hand-edited file is held to the same rules as
 * `config set`). The message names the profile and the key, and how to remove it.
 */
export function readCorrections(profileName: string, profile: Profile | undefined): ApiCorrections {
  const corrections: Required<ApiCorrections> = { routes: {}, pagination: {} };
  for (const [key, value] of Object.entries(profileCorrections(profile))) {
    const [group, name] = splitCorrectionKey(key as CorrectionKey);
    try {
      if (typeof profile?.[group]?.[name] !== 'string') throw new UsageError(`${key}: expected a string`);
      if (group === 'routes') corrections.routes[name as keyof typeof corrections.routes] = parseRouteOverride(name, value);
      else Object.assign(corrections.pagination, parsePaginationOverride(name, value));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`profile ${profileName}: ${error.message}`, { hint: `correct it with: nsx config set ${key} VALUE --profile ${profileName}; or remove it: nsx config unset ${key} --profile ${profileName}` });
    }
  }
  const { pagination } = applyCorrections(corrections);
  if (pagination.offsetParam === pagination.countParam) {
    throw new UsageError(`profile ${profileName}: pagination.offset and pagination.count are both "${pagination.offsetParam}"; they must differ`);
  }
  return corrections;
}

/** Sets one correction of a profile (creates the profile); checked first, as at load. */
export async function setCorrection(name: string, key: CorrectionKey, value: string): Promise<string> {
  const stored = validateCorrection(key, value);
  const profiles = listProfiles();
  const [group, entry] = splitCorrectionKey(key);
  const next: Profile = { ...profiles[name], [group]: { ...profiles[name]?.[group], [entry]: stored } };
  readCorrections(name, next); // e.g. pagination.count set to the offset's name
  (await config()).set('profiles', { ...profiles, [name]: next });
  profilesWritten();
  return stored;
}

/** Creates or updates a profile; `secret` goes to the credentials file. Unset values are left alone. */
export async function upsertProfile(name: string, values: Profile, secret?: { clientSecret?: string }): Promise<void> {
  const profiles = listProfiles();
  const next: Profile = { ...profiles[name] };
  for (const key of PROFILE_KEYS) {
    const v = values[key];
    if (v !== undefined) next[key] = validateProfileValue(key, v);
  }
  (await config()).set('profiles', { ...profiles, [name]: next });
  profilesWritten();
  if (secret?.clientSecret !== undefined) {
    const creds = readCredentials().profiles ?? {};
    (await credentials()).set('profiles', { ...creds, [name]: { client_secret: secret.clientSecret } });
  }
}

export async function unsetProfileKey(name: string, key: ProfileKey | CorrectionKey): Promise<void> {
  const profiles = listProfiles();
  const profile = { ...profiles[name] };
  if (isCorrectionKey(key)) {
    const [group, entry] = splitCorrectionKey(key);
    const table = { ...profile[group] };
    delete table[entry];
    if (Object.keys(table).length) profile[group] = table;
    else delete profile[group];
  } else delete profile[key];
  (await config()).set('profiles', { ...profiles, [name]: profile });
  profilesWritten();
}

export function getClientSecret(name: string): string | undefined {
  return readCredentials().profiles?.[name]?.client_secret;
}
export async function deleteClientSecret(name: string): Promise<boolean> {
  const creds = { ...readCredentials().profiles };
  if (!creds[name]) return false;
  delete creds[name];
  (await credentials()).set('profiles', creds);
  return true;
}

/** http:// is allowed for loopback hosts only (the sandbox, a local proxy, a test server). */
export function assertAllowedUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what}: "${value}" is not a URL`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return value;
  if (url.protocol === 'http:') {
    throw new UsageError(`${what}: plain http:// is allowed only for loopback hosts (got ${url.host}); use https://`);
  }
  throw new UsageError(`${what}: unsupported scheme ${url.protocol} (use https://)`);
}

// ---- Resolution --------------------------------------------------------------------------------

/** Global options as commander parses them. */
export interface GlobalOptions {
  profile?: string;
  tenant?: string;
  stage?: string;
  baseUrl?: string;
  tokenUrl?: string;
  timeout?: string;
}

export type Source = 'flag' | 'env' | 'profile' | 'default' | 'derived' | 'sandbox';

export interface Settings {
  profile: string;
  profileExists: boolean;
  tenant: string | undefined;
  stage: string;
  baseUrl: string | undefined;
  tokenUrl: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** A ready bearer token (NSX_TOKEN): no token call is made. */
  staticToken: string | undefined;
  timeoutMs: number;
  /** The most items one listing may hold (NSX_MAX_ITEMS); undefined = the API layer's default. */
  maxListItems?: number | undefined;
  output: string | undefined;
  /** The profile's corrections of assumed routes and pagination, checked (see readCorrections). */
  corrections?: ApiCorrections;
  /** The same corrections as typed, for people: `{"routes.listLogs": "GET /…"}`. */
  overrides?: Record<string, string>;
  /** The proxy variables of the run's environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and lower-case forms). */
  proxy?: ProxyEnv;
  sources: Partial<Record<'profile' | 'tenant' | 'stage' | 'baseUrl' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'token' | 'timeout', Source>>;
}

function selectedProfile(flags: GlobalOptions, env: NodeJS.ProcessEnv): [string, Source] {
  if (flags.profile) return [flags.profile, 'flag'];
  if (env.NSX_PROFILE) return [env.NSX_PROFILE, 'env'];
  return [currentProfileName(), 'profile'];
}

/**
 * The selected profile's `output` key, read before the output layer exists (settings resolve later, on
 * first use). Never throws: a missing profile or an unreadable file is reported when settings resolve.
 */
export function profileOutputSetting(flags: GlobalOptions, env: NodeJS.ProcessEnv = currentIO().env): string | undefined {
  try {
    return getProfile(selectedProfile(flags, env)[0])?.output || undefined;
  } catch {
    return undefined;
  }
}

type Level = 'flag' | 'env' | 'profile';
const LEVEL_RANK: Record<Level, number> = { profile: 1, env: 2, flag: 3 };
const LEVEL_NAMES = {
  tenant: { flag: '--tenant', env: 'NSX_TENANT', profile: 'tenant' },
  stage: { flag: '--stage', env: 'NSX_STAGE', profile: 'stage' },
  baseUrl: { flag: '--base-url', env: 'NSX_BASE_URL', profile: 'base-url' },
  tokenUrl: { flag: '--token-url', env: 'NSX_TOKEN_URL', profile: 'token-url' },
} as const;

/**
 * A tenant or stage given by flag or env must not be silently outvoted by a profile's explicit base URL or
 * token URL: the command would name one tenant and call another. They agree when the profile itself pairs
 * the URL with the same tenant (or stage), or when the URL is the one they derive; otherwise it is a usage
 * error naming both, and the way out is to give the URL at the same level too. (URLs given by flag or env
 * are the user's own choice at that level: the context line shows the host they call.)
 */
function checkTargetAgreement(
  values: Record<'tenant' | 'stage' | 'baseUrl' | 'tokenUrl', Record<Level, string | undefined>>,
  effective: { tenant: string | undefined; stage: string; baseUrl: string | undefined; tokenUrl: string | undefined },
  sources: Settings['sources'],
  profileName: string,
): void {
  const derived = {
    baseUrl: (tenant: string, stage: string) => apiBaseUrl(tenant, stage),
    tokenUrl: (tenant: string, stage: string) => defaultTokenUrl(tenant, stage),
  };
  const say = (key: keyof typeof LEVEL_NAMES, level: Level, value: string): string =>
    level === 'flag' ? `${LEVEL_NAMES[key].flag} ${value}` : level === 'env' ? `${LEVEL_NAMES[key].env}=${value}` : `the ${LEVEL_NAMES[key].profile} ${value} of profile "${profileName}"`;
  for (const who of ['tenant', 'stage'] as const) {
    const whoLevel = sources[who] as Level | undefined;
    if (whoLevel !== 'flag' && whoLevel !== 'env') continue;
    const whoValue = effective[who]!;
    for (const url of ['baseUrl', 'tokenUrl'] as const) {
      const urlLevel = sources[url] as Level | undefined;
      const urlValue = effective[url];
      if (!urlValue || urlLevel !== 'profile' || LEVEL_RANK[urlLevel] >= LEVEL_RANK[whoLevel]) continue;
      // The URL's own level says the same tenant (stage): no contradiction.
      if (values[who][urlLevel] === whoValue) continue;
      // The URL is the one this tenant and stage derive anyway.
      if (effective.tenant && derived[url](effective.tenant, effective.stage).replace(/\/+$/, '') === urlValue.replace(/\/+$/, '')) continue;
      const giveUrl = whoLevel === 'flag' ? LEVEL_NAMES[url].flag : LEVEL_NAMES[url].env;
      throw new UsageError(
        `${say(who, whoLevel, whoValue)} contradicts ${say(url, urlLevel, urlValue)}${urlLevel === 'profile' && values[who].profile ? ` (made for ${who} ${values[who].profile})` : ''}: nsx would name one ${who} and call another`,
        {
          hint: `give the URL at the same level too (${giveUrl}), use a profile made for that ${who}, or leave out ${whoLevel === 'flag' ? LEVEL_NAMES[who].flag : LEVEL_NAMES[who].env}`,
        },
      );
    }
  }
}

/** `profile "x" does not exist` (exit 2), with the known ones: the one wording for every command. */
export function unknownProfileError(name: string): UsageError {
  const known = Object.keys(listProfiles());
  return new UsageError(`profile "${name}" does not exist`, {
    hint: known.length ? `known profiles: ${known.join(', ')}` : 'create one with: nsx auth login --profile NAME --tenant TENANT',
  });
}

export function resolveSettings(
  flags: GlobalOptions & { sandbox?: boolean | undefined },
  env: NodeJS.ProcessEnv = currentIO().env,
  /** readProfile false: no profile is read, not even the current one (auth login checks what it would save). */
  options: { readProfile?: boolean } = {},
): Settings {
  const sources: Settings['sources'] = {};
  const pick = <K extends keyof Settings['sources']>(
    key: K,
    flag: string | undefined,
    envValue: string | undefined,
    profileValue: string | undefined,
  ): string | undefined => {
    if (flag !== undefined && flag !== '') return (sources[key] = 'flag'), flag;
    if (envValue !== undefined && envValue !== '') return (sources[key] = 'env'), envValue;
    if (profileValue !== undefined && profileValue !== '') return (sources[key] = 'profile'), profileValue;
    return undefined;
  };

  const [profileName, profileSource] = selectedProfile(flags, env);
  sources.profile = profileSource;

  const profile = options.readProfile === false ? undefined : getProfile(profileName);
  if (options.readProfile !== false && (flags.profile || env.NSX_PROFILE) && !profile) throw unknownProfileError(profileName);
  const p = profile ?? {};

  const tenant = pick('tenant', flags.tenant, env.NSX_TENANT, p.tenant);
  let stage = pick('stage', flags.stage, env.NSX_STAGE, p.stage);
  if (!stage) [stage, sources.stage] = [DEFAULT_STAGE, 'default'];

  let baseUrl = pick('baseUrl', flags.baseUrl, env.NSX_BASE_URL, p['base-url']);
  if (baseUrl) baseUrl = assertAllowedUrl(baseUrl, 'base URL').replace(/\/+$/, '');
  else if (tenant) [baseUrl, sources.baseUrl] = [apiBaseUrl(tenant, stage), 'derived'];

  let tokenUrlValue = pick('tokenUrl', flags.tokenUrl, env.NSX_TOKEN_URL, p['token-url']);
  if (tokenUrlValue) tokenUrlValue = assertAllowedUrl(tokenUrlValue, 'token URL');
  else if (tenant) [tokenUrlValue, sources.tokenUrl] = [defaultTokenUrl(tenant, stage), 'derived'];

  const clientId = pick('clientId', undefined, env.NSX_CLIENT_ID, p['client-id']);
  let clientSecret: string | undefined;
  if (env.NSX_CLIENT_SECRET) [clientSecret, sources.clientSecret] = [env.NSX_CLIENT_SECRET, 'env'];
  else if (profile) {
    clientSecret = getClientSecret(profileName);
    if (clientSecret) sources.clientSecret = 'profile';
  }
  const staticToken = env.NSX_TOKEN || undefined;
  if (staticToken) sources.token = 'env';

  // --sandbox replaces the whole target, so nothing here can contradict it.
  if (!flags.sandbox) {
    checkTargetAgreement(
      {
        tenant: { flag: flags.tenant || undefined, env: env.NSX_TENANT || undefined, profile: p.tenant || undefined },
        stage: { flag: flags.stage || undefined, env: env.NSX_STAGE || undefined, profile: p.stage || undefined },
        baseUrl: { flag: flags.baseUrl || undefined, env: env.NSX_BASE_URL || undefined, profile: p['base-url'] || undefined },
        tokenUrl: { flag: flags.tokenUrl || undefined, env: env.NSX_TOKEN_URL || undefined, profile: p['token-url'] || undefined },
      },
      { tenant, stage, baseUrl, tokenUrl: tokenUrlValue },
      sources,
      profileName,
    );
  }

  const timeoutText = pick('timeout', flags.timeout, env.NSX_TIMEOUT, p.timeout);
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (timeoutText) timeoutMs = parseDuration(timeoutText, '--timeout');
  else sources.timeout = 'default';
  if (timeoutMs <= 0) throw new UsageError('--timeout must be greater than 0');
  const corrections = readCorrections(profileName, profile);

  let maxListItems: number | undefined;
  if (env.NSX_MAX_ITEMS) {
    maxListItems = Number(env.NSX_MAX_ITEMS);
    if (!/^\d+$/.test(env.NSX_MAX_ITEMS) || maxListItems < 1) throw new UsageError(`NSX_MAX_ITEMS must be a whole number of items, not "${env.NSX_MAX_ITEMS}"`);
  }

  return {
    profile: profileName,
    profileExists: Boolean(profile),
    tenant,
    stage,
    baseUrl,
    tokenUrl: tokenUrlValue,
    clientId,
    clientSecret,
    staticToken,
    timeoutMs,
    maxListItems,
    output: p.output,
    corrections,
    overrides: profileCorrections(profile),
    proxy: proxyVariables(env),
    sources,
  };
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;

/** The proxy variables set in `env`, for the API client's dispatcher and doctor's proxy check. */
export function proxyVariables(env: NodeJS.ProcessEnv): ProxyEnv {
  const proxy: ProxyEnv = {};
  for (const name of PROXY_VARIABLES) if (env[name] !== undefined) proxy[name] = env[name];
  return proxy;
}
