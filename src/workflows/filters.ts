// The one implementation of event filters, shared by `rejected` (list/retry/delete/export), `logs` and
// `recover` (--drop/--skip/--only). Flags and filter expressions use the same keys and meanings:
//   event=GLOB[,GLOB]        event name (order.*, payment_account.amount_authorized)
//   since=TIME  until=TIME   rejected_at (rejected events) / created_at (log entries); ISO or 2h, 7d
//   entity-id=ID[,ID]        the payload's id or order_id
//   status-code=CODE[,CODE]  the receiver's status: 400, 4xx, 503
//   match=PATH=VALUE         a payload field (dot path, "payload." optional; VALUE may be a glob)
//   level=LEVEL[,LEVEL]  grep=TEXT   log entries only
// An expression is terms separated by spaces; all terms must hold (AND); commas inside a term mean OR.
import type { LogEntry, RejectedEvent } from '../api/schemas.js';
import { UsageError } from '../errors.js';
import { matchesAnyGlob, matchesGlob } from '../input/glob.js';
import { parseInstant } from '../input/time.js';

export interface FieldMatch {
  path: string[];
  value: string;
}

export interface EventFilter {
  events?: string[];
  since?: Date;
  until?: Date;
  entityIds?: string[];
  statusCodes?: string[]; // "400", "4xx"
  matches?: FieldMatch[];
  levels?: string[];
  grep?: string;
}

export const FILTER_KEYS = ['event', 'since', 'until', 'entity-id', 'status-code', 'match', 'level', 'grep'] as const;
/** The keys that select rejected events (level and grep are about log entries). */
export const REJECTED_FILTER_KEYS = ['event', 'entity-id', 'status-code', 'since', 'until', 'match'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** Flag values as commander hands them over (repeatable flags arrive as arrays). */
export interface FilterFlagValues {
  event?: string[] | string;
  since?: string;
  until?: string;
  entityId?: string[] | string;
  statusCode?: string[] | string;
  match?: string[] | string;
  level?: string[] | string;
  grep?: string;
}

/** The rejected-event filter flags as typed, as command words (to repeat them in a printed command). */
export function rejectedFilterWords(v: FilterFlagValues): string[] {
  const each = (flag: string, value: string[] | string | undefined): string[] =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap((x) => [flag, x]);
  return [
    ...each('--event', v.event),
    ...each('--since', v.since),
    ...each('--until', v.until),
    ...each('--entity-id', v.entityId),
    ...each('--status-code', v.statusCode),
    ...each('--match', v.match),
  ];
}

const list = (v: string[] | string | undefined): string[] | undefined => {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return items.length ? items : undefined;
};

export function parseStatusCodes(values: string[], flag = '--status-code'): string[] {
  for (const v of values) {
    if (!/^[1-5](?:\d\d|xx)$/i.test(v)) throw new UsageError(`${flag}: "${v}" is not a status code (examples: 400, 4xx, 503)`);
  }
  return values.map((v) => v.toLowerCase());
}

export function parseFieldMatch(text: string, flag = '--match'): FieldMatch {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag}: "${text}" must be PATH=VALUE, e.g. items.0.product_id=10000102`);
  const path = text.slice(0, eq).replace(/^payload\./, '').split('.');
  if (path.some((p) => p === '')) throw new UsageError(`${flag}: "${text}" has an empty path segment`);
  return { path, value: text.slice(eq + 1) };
}

const LEVELS = ['info', 'warning', 'error'];

/** Builds a filter from flag values; every problem is a UsageError naming the flag. */
export function filterFromFlags(flags: FilterFlagValues, now: Date = new Date()): EventFilter {
  const filter: EventFilter = {};
  const events = list(flags.event);
  if (events) filter.events = events;
  if (flags.since !== undefined) filter.since = parseInstant(flags.since, '--since', now);
  if (flags.until !== undefined) filter.until = parseInstant(flags.until, '--until', now);
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new UsageError(`--since (${filter.since.toISOString()}) is after --until (${filter.until.toISOString()})`);
  }
  const ids = list(flags.entityId);
  if (ids) filter.entityIds = ids;
  const codes = list(flags.statusCode);
  if (codes) filter.statusCodes = parseStatusCodes(codes);
  const matches = flags.match === undefined ? undefined : (Array.isArray(flags.match) ? flags.match : [flags.match]);
  if (matches?.length) filter.matches = matches.map((m) => parseFieldMatch(m));
  const levels = list(flags.level);
  if (levels) {
    for (const l of levels) if (!LEVELS.includes(l)) throw new UsageError(`--level: "${l}" is not one of ${LEVELS.join(', ')}`);
    filter.levels = levels;
  }
  if (flags.grep !== undefined) {
    if (!flags.grep) throw new UsageError('--grep needs some text');
    filter.grep = flags.grep;
  }
  return filter;
}

/**
 * Parses a filter expression (recover's --drop/--skip/--only): `event=order.* status-code=400`.
 * The keys are the filter flags' names.
 */
export function parseFilterExpression(text: string, flag = 'filter', now: Date = new Date()): EventFilter {
  const terms = text.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 0) throw new UsageError(`${flag}: empty filter (example: "event=order.items_cancelled status-code=400")`);
  const flags: FilterFlagValues = {};
  const push = (key: 'event' | 'entityId' | 'statusCode' | 'match' | 'level', value: string) => {
    const prev = flags[key];
    flags[key] = [...(Array.isArray(prev) ? prev : prev ? [prev] : []), value];
  };
  for (const term of terms) {
    const eq = term.indexOf('=');
    const key = eq > 0 ? term.slice(0, eq) : '';
    const value = eq > 0 ? term.slice(eq + 1) : '';
    // The expressions select rejected events: a log-only key (level, grep) would select nothing.
    if (key === 'level' || key === 'grep') {
      throw new UsageError(`${flag}: "${term}": ${key} filters log entries, not rejected events; KEY is one of ${REJECTED_FILTER_KEYS.join(', ')}`);
    }
    if (!(REJECTED_FILTER_KEYS as readonly string[]).includes(key) || value === '') {
      throw new UsageError(
        `${flag}: "${term}" is not KEY=VALUE with KEY one of ${REJECTED_FILTER_KEYS.join(', ')} (example: "event=order.* status-code=400")`,
      );
    }
    switch (key as FilterKey) {
      case 'event': push('event', value); break;
      case 'entity-id': push('entityId', value); break;
      case 'status-code': push('statusCode', value); break;
      case 'match': push('match', value); break;
      case 'level': push('level', value); break;
      case 'since': flags.since = value; break;
      case 'until': flags.until = value; break;
      case 'grep': flags.grep = value; break;
    }
  }
  try {
    return filterFromFlags(flags, now);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${flag}: ${error.message.replace(/^--/, '')}`);
    throw error;
  }
}

export function isEmptyFilter(f: EventFilter): boolean {
  return Object.values(f).every((v) => v === undefined);
}

/** The filter written back as an expression (for plans, reports and "equivalent command" hints). */
export function describeFilter(f: EventFilter): string {
  const terms: string[] = [];
  if (f.events) terms.push(`event=${f.events.join(',')}`);
  if (f.since) terms.push(`since=${f.since.toISOString()}`);
  if (f.until) terms.push(`until=${f.until.toISOString()}`);
  if (f.entityIds) terms.push(`entity-id=${f.entityIds.join(',')}`);
  if (f.statusCodes) terms.push(`status-code=${f.statusCodes.join(',')}`);
  for (const m of f.matches ?? []) terms.push(`match=${m.path.join('.')}=${m.value}`);
  if (f.levels) terms.push(`level=${f.levels.join(',')}`);
  if (f.grep) terms.push(`grep=${f.grep}`);
  return terms.join(' ');
}

/** The entity an event belongs to: its payload's order_id, else its id (recover keeps their order). */
export function entityKey(event: RejectedEvent): string {
  const p = event.event.payload as Record<string, unknown>;
  const key = p.order_id ?? p.id;
  return typeof key === 'string' || typeof key === 'number' ? String(key) : `event:${event.id}`;
}

function statusMatches(code: number | null | undefined, patterns: string[]): boolean {
  if (code === null || code === undefined) return false;
  const s = String(code);
  return patterns.some((p) => (p.endsWith('xx') ? s[0] === p[0] : s === p));
}

function fieldAt(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function fieldMatches(root: unknown, m: FieldMatch): boolean {
  const v = fieldAt(root, m.path);
  if (v === undefined || v === null) return m.value === 'null';
  if (Array.isArray(v)) return v.some((x) => matchesGlob(String(x), m.value));
  return matchesGlob(typeof v === 'object' ? JSON.stringify(v) : String(v), m.value);
}

function inWindow(iso: string | undefined | null, f: EventFilter): boolean {
  if (!f.since && !f.until) return true;
  if (!iso) return false;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return false;
  return (!f.since || t >= f.since.getTime()) && (!f.until || t <= f.until.getTime());
}

export function matchesRejected(ev: RejectedEvent, f: EventFilter): boolean {
  if (f.events && !matchesAnyGlob(ev.event.name, f.events)) return false;
  if (!inWindow(ev.rejected_at, f)) return false;
  if (f.entityIds) {
    const p = ev.event.payload as Record<string, unknown>;
    const ids = [p.id, p.order_id].filter((x) => x !== undefined && x !== null).map(String);
    if (!ids.some((id) => matchesAnyGlob(id, f.entityIds!))) return false;
  }
  if (f.statusCodes && !statusMatches(ev.response?.status_code, f.statusCodes)) return false;
  if (f.matches && !f.matches.every((m) => fieldMatches(ev.event.payload, m))) return false;
  if (f.levels) return false; // a log-only key selects no rejected event
  if (f.grep && !JSON.stringify(ev).toLowerCase().includes(f.grep.toLowerCase())) return false;
  return true;
}

export function matchesLog(entry: LogEntry, f: EventFilter): boolean {
  if (f.events && !(entry.event_name && matchesAnyGlob(entry.event_name, f.events))) return false;
  if (!inWindow(entry.created_at, f)) return false;
  if (f.levels && !f.levels.includes(entry.level)) return false;
  if (f.statusCodes && !statusMatches(entry.status_code, f.statusCodes)) return false;
  if (f.grep && !entry.message.toLowerCase().includes(f.grep.toLowerCase())) return false;
  if (f.entityIds || f.matches) return false; // log entries carry no payload
  return true;
}
