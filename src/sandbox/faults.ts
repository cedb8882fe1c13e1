// Fault injection on the NewStore API routes: latency, 5xx errors, 429 throttling with Retry-After and
// dropped connections, globally or per route (keyed by the ROUTES name, or "token"); and a token-bucket
// rate limit (`rateLimit`, requests per second): the global one is one bucket for all routes together (the
// tenant's limit), a route's own is a bucket of that route alone. Both apply when both are set.
import * as z from 'zod';
import { ROUTES } from '../api/routes.js';

const Latency = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => a <= b, 'min must be <= max')]);
const Rate = z.number().min(0).max(1);

export const FaultRuleSchema = z.strictObject({
  latencyMs: Latency.optional(),
  errorRate: Rate.optional(),
  throttleRate: Rate.optional(),
  resetRate: Rate.optional(),
  /** Requests per second (token bucket; see RateLimiter). */
  rateLimit: z.number().positive().optional(),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

export const FAULT_ROUTE_KEYS = [...Object.keys(ROUTES), 'token'] as const;

export const FaultSpecSchema = FaultRuleSchema.extend({
  routes: z.record(z.string(), FaultRuleSchema).optional(),
}).superRefine((spec, ctx) => {
  for (const key of Object.keys(spec.routes ?? {})) {
    if (!(FAULT_ROUTE_KEYS as readonly string[]).includes(key)) {
      ctx.addIssue({ code: 'custom', path: ['routes', key], message: `unknown route; one of ${FAULT_ROUTE_KEYS.join(', ')}` });
    }
  }
});
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export type FaultAction = { kind: 'none' } | { kind: 'reset' } | { kind: 'throttle'; retryAfterSeconds: number } | { kind: 'error'; status: number };

/** The effective rule of a route: the route's own fields win over the global ones. */
export function ruleFor(spec: FaultSpec, route: string): FaultRule {
  const own = spec.routes?.[route];
  if (!own) return spec;
  return { ...spec, ...own };
}

export function hasFaults(spec: FaultSpec): boolean {
  const any = (r: FaultRule): boolean => Boolean(r.latencyMs || r.errorRate || r.throttleRate || r.resetRate || r.rateLimit);
  return any(spec) || Object.values(spec.routes ?? {}).some(any);
}

export function decide(rule: FaultRule, random: () => number = Math.random): FaultAction {
  const r = random();
  const reset = rule.resetRate ?? 0;
  const throttle = rule.throttleRate ?? 0;
  const error = rule.errorRate ?? 0;
  if (r < reset) return { kind: 'reset' };
  if (r < reset + throttle) return { kind: 'throttle', retryAfterSeconds: 1 };
  if (r < reset + throttle + error) {
    const statuses = [500, 502, 503] as const;
    return { kind: 'error', status: statuses[Math.floor(random() * statuses.length)]! };
  }
  return { kind: 'none' };
}

/**
 * A token bucket: `perSecond` tokens a second, holding at most a tenth of a second's worth (at least 1), so
 * a burst above the rate is refused within ~100 ms instead of after a long grace. `take` answers undefined
 * when a token was taken, else the whole seconds until one is there (Retry-After; at least 1).
 */
export class TokenBucket {
  readonly capacity: number;
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, perSecond / 10);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  take(): number | undefined {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}

/** The buckets of one fault spec (new buckets when the spec is replaced). */
const buckets = new WeakMap<FaultSpec, Map<string, TokenBucket>>();

/**
 * The rate limits of a request on `route`: the overall bucket, then the route's own. Retry-After seconds
 * when one is empty (nothing is taken from the other then), else undefined.
 */
export function rateLimited(spec: FaultSpec, route: string): number | undefined {
  const overall = spec.rateLimit;
  const own = spec.routes?.[route]?.rateLimit;
  if (overall === undefined && own === undefined) return undefined;
  let mine = buckets.get(spec);
  if (!mine) buckets.set(spec, (mine = new Map()));
  const bucket = (key: string, rate: number): TokenBucket => {
    let b = mine.get(key);
    if (!b) mine.set(key, (b = new TokenBucket(rate)));
    return b;
  };
  if (own !== undefined) {
    const wait = bucket(`route:${route}`, own).take();
    if (wait !== undefined) return wait;
  }
  if (overall !== undefined) return bucket('overall', overall).take();
  return undefined;
}
