// The recover plan (STYLE.md's Changesets model): built without side effects from the server's rejected
// events and the user's rules, shown, optionally saved (--plan-out) and reviewed, then applied exactly.
// The plan file format is versioned; events are in the order they will be applied.
import * as z from 'zod';
import type { Integration, RejectedEvent } from '../../api/schemas.js';
import { UsageError } from '../../errors.js';
import { describeFilter, entityKey, matchesRejected, parseFilterExpression, type EventFilter } from '../filters.js';

export const PLAN_FORMAT = 'nsx.recover-plan';
export const PLAN_VERSION = 1;
export const PLAN_ACTIONS = ['retry', 'drop', 'skip'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const PlanEvent = z.object({
  id: z.string(),
  name: z.string(),
  /** The payload's order_id, else its id: events of one entity are applied one at a time, in order. */
  entity: z.string(),
  rejected_at: z.string(),
  published_at: z.string().nullable(),
  action: z.enum(PLAN_ACTIONS),
  /** The rule that chose a drop or skip (as typed), for reports. */
  rule: z.string().optional(),
});
export type PlanEvent = z.infer<typeof PlanEvent>;

export const PlanRules = z.object({
  drop: z.array(z.string()),
  skip: z.array(z.string()),
  only: z.array(z.string()),
});
export type PlanRules = z.infer<typeof PlanRules>;

export const RecoverPlan = z.object({
  format: z.literal(PLAN_FORMAT),
  version: z.literal(PLAN_VERSION),
  tenant: z.string(),
  integration: z.string(),
  created_at: z.string(),
  rules: PlanRules,
  events: z.array(PlanEvent),
});
export type RecoverPlan = z.infer<typeof RecoverPlan>;

/** A rule as typed (kept for plans and hints) and as parsed. */
export interface RuleFilter {
  expression: string;
  filter: EventFilter;
}
export interface RecoverRules {
  drop: RuleFilter[];
  skip: RuleFilter[];
  only: RuleFilter[];
}

export const NO_RULES: RecoverRules = { drop: [], skip: [], only: [] };

/** Parses --drop/--skip/--only values with the shared filter syntax; a bad one is a UsageError naming the flag. */
export function parseRecoverRules(values: { drop?: string[]; skip?: string[]; only?: string[] }, now: Date = new Date()): RecoverRules {
  const parse = (flag: string, list: string[] = []): RuleFilter[] =>
    list.map((expression) => ({ expression, filter: parseFilterExpression(expression, flag, now) }));
  return { drop: parse('--drop', values.drop), skip: parse('--skip', values.skip), only: parse('--only', values.only) };
}

export function hasRules(rules: RecoverRules): boolean {
  return rules.drop.length + rules.skip.length + rules.only.length > 0;
}

/**
 * The action for one event. --skip wins over --drop (never delete what the user also asked to keep);
 * events outside every --only are skipped (left in place, listed in the plan so it mentions every event).
 */
export function actionFor(event: RejectedEvent, rules: RecoverRules): { action: PlanAction; rule?: string } {
  const skip = rules.skip.find((r) => matchesRejected(event, r.filter));
  if (skip) return { action: 'skip', rule: `--skip ${skip.expression}` };
  if (rules.only.length > 0 && !rules.only.some((r) => matchesRejected(event, r.filter))) {
    return { action: 'skip', rule: `not --only ${rules.only.map((r) => r.expression).join(' | ')}` };
  }
  const drop = rules.drop.find((r) => matchesRejected(event, r.filter));
  if (drop) return { action: 'drop', rule: `--drop ${drop.expression}` };
  return { action: 'retry' };
}

// A missing or unreadable time sorts last. Infinity - Infinity is NaN, which is falsy, so the comparison
// below falls through to the next key.
function instant(iso: string | null | undefined): number {
  if (!iso) return Number.POSITIVE_INFINITY;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Plan order: rejected_at, then published_at, then id (timestamps compared as instants, not strings). */
export function comparePlanOrder(a: Pick<PlanEvent, 'id' | 'rejected_at' | 'published_at'>, b: Pick<PlanEvent, 'id' | 'rejected_at' | 'published_at'>): number {
  return (
    instant(a.rejected_at) - instant(b.rejected_at) ||
    instant(a.published_at) - instant(b.published_at) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Pure: the plan for these rejected events under these rules. */
export function buildRecoverPlan(
  integration: Pick<Integration, 'id'>,
  rejectedEvents: readonly RejectedEvent[],
  rules: RecoverRules,
  meta: { tenant: string; now?: Date },
): RecoverPlan {
  const unsorted: PlanEvent[] = rejectedEvents.map((ev) => {
    const { action, rule } = actionFor(ev, rules);
    return {
      id: ev.id,
      name: ev.event.name,
      entity: entityKey(ev),
      rejected_at: ev.rejected_at,
      published_at: ev.event.published_at ?? null,
      action,
      ...(rule ? { rule } : {}),
    };
  });
  // Sort on parsed times (parsing inside the comparator would parse each timestamp log n times).
  const keyed = unsorted.map((e) => ({ e, r: instant(e.rejected_at), p: instant(e.published_at) }));
  keyed.sort((a, b) => a.r - b.r || a.p - b.p || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  const events = keyed.map((k) => k.e);
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    tenant: meta.tenant,
    integration: integration.id,
    created_at: (meta.now ?? new Date()).toISOString(),
    rules: {
      drop: rules.drop.map((r) => r.expression),
      skip: rules.skip.map((r) => r.expression),
      only: rules.only.map((r) => r.expression),
    },
    events,
  };
}

export interface PlanCounts {
  total: number;
  retry: number;
  drop: number;
  skip: number;
}
export interface PlanSummary extends PlanCounts {
  /** Per event name, by action, in order of first appearance in the plan. */
  by_event: Record<string, PlanCounts>;
  oldest: PlanEvent | undefined;
  newest: PlanEvent | undefined;
  entities: number;
}

export function summarizePlan(events: readonly PlanEvent[]): PlanSummary {
  const zero = (): PlanCounts => ({ total: 0, retry: 0, drop: 0, skip: 0 });
  const summary: PlanSummary = { ...zero(), by_event: {}, oldest: undefined, newest: undefined, entities: 0 };
  const entities = new Set<string>();
  for (const ev of events) {
    const row = (summary.by_event[ev.name] ??= zero());
    row.total++;
    row[ev.action]++;
    summary.total++;
    summary[ev.action]++;
    entities.add(ev.entity);
    if (!summary.oldest || instant(ev.rejected_at) < instant(summary.oldest.rejected_at)) summary.oldest = ev;
    if (!summary.newest || instant(ev.rejected_at) >= instant(summary.newest.rejected_at)) summary.newest = ev;
  }
  summary.entities = entities.size;
  return summary;
}

/**
 * A rough duration: one API call per retry or drop at the measured round trip, spread over the parallel
 * lanes the entities allow, and never faster than --rate.
 */
export function estimateDurationMs(
  events: readonly PlanEvent[],
  options: { msPerCall: number; concurrency: number; ratePerSecond?: number | undefined },
): number {
  const calls = events.filter((e) => e.action !== 'skip');
  const entities = new Set(calls.map((e) => e.entity)).size;
  const lanes = Math.max(1, Math.min(options.concurrency, entities));
  const byLatency = (calls.length * options.msPerCall) / lanes;
  const byRate = options.ratePerSecond ? (calls.length / options.ratePerSecond) * 1000 : 0;
  return Math.max(byLatency, byRate);
}

/** The plan as a file (pretty JSON, one event per line so that a review diff stays readable). */
export function serializePlan(plan: RecoverPlan): string {
  const { events, ...head } = plan;
  const headJson = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = events.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  return `${headJson},\n  "events": [\n${lines}${events.length ? '\n' : ''}  ]\n}\n`;
}

/** Reads a plan file's text; a wrong format or version is a UsageError (nothing is sent). */
export function parsePlan(text: string, source: string): RecoverPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (!head || typeof head !== 'object' || head.format !== PLAN_FORMAT) {
    throw new UsageError(`${source} is not an nsx recover plan (written by nsx recover --plan-out)`);
  }
  if (head.version !== PLAN_VERSION) {
    throw new UsageError(`${source} is a version ${String(head.version)} plan; this nsx reads version ${PLAN_VERSION}`);
  }
  const parsed = RecoverPlan.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${source}: ${issue?.path.join('.') || 'plan'}: ${issue?.message ?? 'invalid'}`);
  }
  const seen = new Set<string>();
  for (const ev of parsed.data.events) {
    if (seen.has(ev.id)) throw new UsageError(`${source}: event ${ev.id} appears twice`);
    seen.add(ev.id);
  }
  return parsed.data;
}

/** How a saved plan relates to the server now: events it does not mention (refuse) and events already gone. */
export function reconcilePlan(plan: RecoverPlan, onServer: readonly RejectedEvent[]): { unmentioned: RejectedEvent[]; gone: PlanEvent[] } {
  const planned = new Set(plan.events.map((e) => e.id));
  const server = new Set(onServer.map((e) => e.id));
  return {
    unmentioned: onServer.filter((e) => !planned.has(e.id)),
    gone: plan.events.filter((e) => !server.has(e.id)),
  };
}

export { shellQuote } from '../../hints.js';

/** The --drop value that selects exactly these event names (for hints after a stop). */
export function dropRuleForEvent(name: string): string {
  return describeFilter({ events: [name] });
}
