// OAuth2 client-credentials tokens for the sandbox's realm. Tokens are HMAC-signed with a secret kept in
// the state, so they stay valid across a restart of the sandbox until they expire, like NewStore's.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenCheck = 'ok' | 'expired' | 'invalid';

export class TokenIssuer {
  private readonly cache = new Map<string, number>(); // token -> expiry (ms), to skip the HMAC on the hot path

  constructor(
    private readonly secret: () => string,
    readonly ttlSeconds: number,
  ) {}

  issue(clientId: string): { access_token: string; expires_in: number; refresh_expires_in: number; token_type: string; 'not-before-policy': number; scope: string } {
    const exp = Date.now() + this.ttlSeconds * 1000;
    const body = `${exp.toString(36)}.${Buffer.from(clientId).toString('base64url')}.${randomBytes(9).toString('base64url')}`;
    const token = `sbx.${body}.${this.sign(body)}`;
    return { access_token: token, expires_in: this.ttlSeconds, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' };
  }

  check(token: string): TokenCheck {
    const now = Date.now();
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached > now ? 'ok' : 'expired';
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== 'sbx') return 'invalid';
    const body = parts.slice(1, 4).join('.');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[4]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const exp = parseInt(parts[1]!, 36);
    if (!Number.isFinite(exp)) return 'invalid';
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, exp);
    return exp > now ? 'ok' : 'expired';
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret()).update(body).digest('base64url');
  }
}
