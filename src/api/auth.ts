// OAuth2 client credentials against the token URL [contract §1]. Tokens are cached (by the caller's
// TokenCacheStore: config/api-client.ts keeps them 0600 in the cache dir) until shortly before they
// expire, keyed by token URL, client id and secret (hashed: the key is an HMAC keyed by the secret, so
// changed credentials miss the cache); a static token (NSX_TOKEN) bypasses all of it.
import { createHmac } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { AuthError, ExitCode, NetworkError, NsxError } from '../errors.js';
import { bodySnippet, capText, describeMismatch, SHOWN_TEXT_CHARS } from './answers.js';
import { exchange, type ExchangeResult } from './exchange.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type TokenSource } from './http.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Problem, TokenResponse } from './schemas.js';

export interface CachedToken {
  access_token: string;
  expires_at: number; // epoch ms
  refresh_at: number; // epoch ms: 30 s before expiry, or a tenth of a short lifetime
}
export type TokenCacheFile = Record<string, CachedToken>;

/** Where tokens are kept between runs; its failures are ignored (a cache is only a cache). */
export interface TokenCacheStore {
  read(): TokenCacheFile | undefined;
  write(all: TokenCacheFile): void;
}

/** Who asks for tokens, where, with what: plain values (config/ fills them from a profile's settings). */
export interface TokenCredentials {
  /** Names the credentials in messages. */
  profile: string;
  tenant: string | undefined;
  tokenUrl: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** A ready bearer token: no token call is made. */
  staticToken: string | undefined;
  /** Bounds a whole token answer. */
  timeoutMs: number;
}

export interface TokenEvents {
  trace?: (line: string) => void;
  secret?: (value: string) => void;
  /** Without one, every run asks for a token. */
  cache?: TokenCacheStore;
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
/** When the answer gives no expires_in [doc: the API client's TTL, 300 s by default]. */
const DEFAULT_TOKEN_LIFETIME_S = 300;
/** The shortest lifetime nsx trusts a token for (an expires_in of 0 or less would mean a token per call). */
export const TOKEN_LIFETIME_FLOOR_S = 30;

export interface TokenInfo {
  token: string;
  expiresAt: number | undefined;
  fromCache: boolean;
}

export class ClientCredentialsTokens implements TokenSource {
  private current: CachedToken | undefined;
  private inflight: Promise<TokenInfo> | undefined;

  constructor(
    private readonly settings: TokenCredentials,
    private readonly dispatcher: Dispatcher,
    private readonly events: TokenEvents = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** The token is a given one (NSX_TOKEN), not fetched. */
  get isStatic(): boolean {
    return Boolean(this.settings.staticToken);
  }

  describe(): string {
    return `profile ${this.settings.profile}${this.settings.tenant ? ` (tenant ${this.settings.tenant})` : ''}`;
  }

  async token(): Promise<string> {
    return (await this.info()).token;
  }

  async refresh(): Promise<string | undefined> {
    if (this.settings.staticToken) return undefined;
    this.current = undefined;
    this.forgetCached();
    return (await this.info(true)).token;
  }

  /** The token and when it expires; fetches one if none is cached or it is about to expire. */
  async info(forceNew = false): Promise<TokenInfo> {
    if (this.settings.staticToken) {
      this.events.secret?.(this.settings.staticToken);
      return { token: this.settings.staticToken, expiresAt: undefined, fromCache: false };
    }
    if (!forceNew) {
      this.current ??= this.readCached();
      if (this.current && this.fresh(this.current)) {
        this.events.secret?.(this.current.access_token);
        return { token: this.current.access_token, expiresAt: this.current.expires_at, fromCache: true };
      }
    }
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private fresh(t: CachedToken): boolean {
    return typeof t.refresh_at === 'number' && this.now() < t.refresh_at;
  }

  /**
   * A token obtained with one secret must not answer for another (a rotated or mistyped secret would
   * otherwise "work" until the token expires). The secret enters only as the HMAC key: the key on disk
   * says nothing about it, and the secret itself is never written.
   */
  private cacheKey(): string {
    const { tokenUrl, clientId, clientSecret } = this.settings;
    return createHmac('sha256', `nsx-token-cache\n${clientSecret ?? ''}`).update(`${tokenUrl}\n${clientId}`).digest('hex').slice(0, 32);
  }

  private readCached(): CachedToken | undefined {
    try {
      return this.events.cache?.read()?.[this.cacheKey()];
    } catch {
      return undefined; // a broken cache is only a cache
    }
  }

  private forgetCached(): void {
    try {
      const all = this.events.cache?.read();
      if (all && all[this.cacheKey()]) {
        delete all[this.cacheKey()];
        this.events.cache!.write(all);
      }
    } catch {
      /* cache only */
    }
  }

  private async fetchToken(): Promise<TokenInfo> {
    const { tokenUrl, clientId, clientSecret, profile } = this.settings;
    if (!tokenUrl) {
      throw new AuthError(`profile ${profile} has no tenant or token URL`, {
        hint: 'set one: nsx config set tenant TENANT (or --tenant / NSX_TENANT)',
      });
    }
    if (!clientId || !clientSecret) {
      throw new AuthError(`no client credentials for ${this.describe()}`, {
        hint: 'run nsx auth login, or set NSX_CLIENT_ID and NSX_CLIENT_SECRET (or NSX_TOKEN)',
      });
    }
    this.events.secret?.(clientSecret);
    const url = new URL(tokenUrl);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
    // A token request changes nothing on the server, so any transient failure may be repeated.
    let response: ExchangeResult;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      this.events.trace?.(`> POST ${url.origin}${url.pathname} (token, client ${clientId})${attempt ? ` (retry ${attempt})` : ''}`);
      try {
        response = await exchange(this.dispatcher, {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          deadlineMs: this.settings.timeoutMs, // --timeout bounds the whole answer (a trickle too)
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        this.events.trace?.(`< ${code ?? 'error'} POST ${url.origin}${url.pathname} ${Math.round(performance.now() - started)}ms`);
        if (attempt < DEFAULT_RETRY.retries) {
          await sleep(backoffDelay(DEFAULT_RETRY, attempt));
          continue;
        }
        throw new NetworkError(`cannot reach the token URL ${url.host} for ${this.describe()}: ${code ?? (error as Error).message}`, code, error);
      }
      this.events.trace?.(`< ${response.statusCode} POST ${url.origin}${url.pathname} ${Math.round(performance.now() - started)}ms`);
      if (TRANSIENT_STATUS.has(response.statusCode) && attempt < DEFAULT_RETRY.retries) {
        const retryAfter = parseRetryAfter(response.headers['retry-after']);
        await sleep(retryAfter !== undefined ? Math.min(retryAfter, DEFAULT_RETRY.maxRetryAfterMs) : backoffDelay(DEFAULT_RETRY, attempt));
        continue;
      }
      break;
    }
    let json: unknown;
    let readable = true;
    try {
      json = response.text ? JSON.parse(response.text) : undefined;
    } catch {
      json = undefined;
      readable = false;
    }
    const status = response.statusCode;
    const where = `the token endpoint ${url.host} for ${this.describe()}`;
    // Refused credentials are an auth problem (exit 4); a server failure or a page that is not the token
    // endpoint's JSON (a proxy's or captive portal's HTML, a truncated body) is not (exit 1).
    // A cut JSON body may hold part of a token: only a page that is not JSON at all is quoted.
    const notJson = (): string =>
      readable
        ? 'an empty body'
        : /^\s*[[{]/.test(response.text)
          ? 'a body that is not JSON (truncated?)'
          : `a body that is not JSON${contentType(response) ? ` (${contentType(response)})` : ''}, starting ${bodySnippet(response.text)}`;
    if (status < 200 || status >= 300) {
      const p = Problem.safeParse(json);
      const said = p.success ? [p.data.title ?? (p.data as { error?: string }).error, p.data.detail ?? p.data.message ?? (p.data as { error_description?: string }).error_description].filter(Boolean).map((t) => capText(String(t), SHOWN_TEXT_CHARS)).join(': ') : '';
      if (status === 400 || status === 401 || status === 403) {
        throw new AuthError(
          `could not obtain a token for ${this.describe()}: the token endpoint answered ${status}${said ? ` (${said})` : ''}`,
          { hint: 'check the client id and secret: nsx auth login' },
        );
      }
      throw new NsxError(`could not obtain a token: ${where} answered ${status}${said ? ` (${said})` : json === undefined && response.text ? ` with ${notJson()}` : ''}`, ExitCode.error, {
        hint: status >= 500 ? 'the identity service is failing; try again later' : 'check the token URL (nsx whoami shows it) and any proxy in between',
      });
    }
    if (json === undefined) {
      throw new NsxError(`could not obtain a token: ${where} answered ${status} with ${notJson()}`, ExitCode.error, {
        hint: 'something other than the token endpoint answered (a proxy or captive portal page?): check the network and the token URL',
      });
    }
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) {
      throw new NsxError(`could not obtain a token: ${where} answered ${status} with a body nsx cannot read: ${describeMismatch(parsed.error, json)}`, ExitCode.error, {
        hint: 'check the token URL (nsx whoami shows it): it must be the OAuth2 token endpoint of the tenant',
      });
    }
    // A lifetime of 0, a negative one or one under the floor would fetch a token for every call: the
    // token is reused for TOKEN_LIFETIME_FLOOR_S instead (a 401/403 still refreshes it once).
    const said = parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S;
    const lifetimeS = Math.max(said, TOKEN_LIFETIME_FLOOR_S);
    if (said < TOKEN_LIFETIME_FLOOR_S) this.events.trace?.(`  token lifetime ${said}s is below ${TOKEN_LIFETIME_FLOOR_S}s: reusing it for ${TOKEN_LIFETIME_FLOOR_S}s`);
    const lifetimeMs = lifetimeS * 1000;
    const margin = Math.min(30_000, lifetimeMs / 10);
    const expiresAt = this.now() + lifetimeMs;
    const token: CachedToken = { access_token: parsed.data.access_token, expires_at: expiresAt, refresh_at: expiresAt - margin };
    this.events.secret?.(token.access_token);
    this.current = token;
    try {
      const cache = this.events.cache;
      const all = cache?.read() ?? {};
      all[this.cacheKey()] = token;
      for (const [k, v] of Object.entries(all)) if (v.expires_at < this.now()) delete all[k];
      cache?.write(all);
    } catch {
      /* an unwritable cache costs a token call next time, nothing more */
    }
    return { token: token.access_token, expiresAt, fromCache: false };
  }
}

function contentType(response: ExchangeResult): string | undefined {
  const v = response.headers['content-type'];
  return (Array.isArray(v) ? v[0] : v)?.split(';')[0];
}
