// Fault injection on the NewStore API routes: latency, 5xx errors, 429 throttling with Retry-After and
// dropped connections, globally or per route (keyed by the ROUTES name, or "token").
import * as z from 'zod';
import { ROUTES } from '../api/routes.js';

const Latency = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => a <= b, 'min must be <= max')]);
const Rate = z.number().min(0).max(1);

export const FaultRuleSchema = z.strictObject({
  latencyMs: Latency.optional(),
  errorRate: Rate.optional(),
  throttleRate: Rate.optional(),
  resetRate: Rate.optional(),
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
  const any = (r: FaultRule): boolean => Boolean(r.latencyMs || r.errorRate || r.throttleRate || r.resetRate);
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
