// What `nsx events` selects: the shared filter flags (src/workflows/filters.ts, the same names and
// meanings as rejected and logs) plus --integration, --status and --entity-type, split into what the
// published-events API filters itself (one plain value of a documented parameter) and what nsx applies
// to each attempt it reads (globs, several values, --status-code).
import { PUBLISHED_STATUSES, publishedEventStatus, type PublishedEvent } from '../../api/schemas.js';
import { UsageError } from '../../errors.js';
import { matchesAnyGlob } from '../../input/glob.js';
import { parseInstant } from '../../input/time.js';
import { filterFromFlags, parseStatusCodes } from '../filters.js';
import type { ServerFilters, Slice } from './read.js';

/** The flags of `events list/tail/stats`, as commander hands them over. */
export interface EventsFlagValues {
  integration?: string[] | string | undefined;
  event?: string[] | string | undefined;
  status?: string | undefined;
  entityId?: string[] | string | undefined;
  entityType?: string[] | string | undefined;
  statusCode?: string[] | string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export interface PublishedSelection {
  /** Sent to the API. */
  server: ServerFilters;
  /** Applied to every attempt read (the values the API could not be asked for). */
  local: {
    integrations?: string[];
    events?: string[];
    entityIds?: string[];
    entityTypes?: string[];
    statusCodes?: string[];
  };
  /** --since/--until as instants (ms); undefined when not given. */
  since?: number;
  until?: number;
}

const values = (v: string[] | string | undefined): string[] | undefined => {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return items.length ? items : undefined;
};
const isPlain = (v: string): boolean => !/[*?]/.test(v);

/** Every problem is a UsageError (exit 2) naming the flag, before any request. */
export function selectionFromFlags(flags: EventsFlagValues, now: Date = new Date()): PublishedSelection {
  // The shared parser: the same --event, --entity-id, --status-code, --since, --until as rejected/logs.
  const shared = filterFromFlags({ event: flags.event, entityId: flags.entityId, statusCode: flags.statusCode, since: flags.since, until: flags.until }, now);
  const selection: PublishedSelection = { server: {}, local: {} };
  if (shared.since) selection.since = shared.since.getTime();
  if (shared.until) selection.until = shared.until.getTime();
  const place = (list: string[] | undefined, param: keyof Omit<ServerFilters, 'status'>, local: keyof PublishedSelection['local']): void => {
    if (!list) return;
    if (list.length === 1 && isPlain(list[0]!)) selection.server[param] = list[0]!;
    else selection.local[local] = list;
  };
  place(values(flags.integration), 'integration_id', 'integrations');
  place(shared.events, 'event_name', 'events');
  place(shared.entityIds, 'domain_entity_id', 'entityIds');
  place(values(flags.entityType), 'domain_entity_type', 'entityTypes');
  if (shared.statusCodes) selection.local.statusCodes = parseStatusCodes(shared.statusCodes);
  if (flags.status !== undefined) {
    const status = flags.status.trim().toLowerCase();
    if (!(PUBLISHED_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status: "${flags.status}" is not one of ${PUBLISHED_STATUSES.join(', ')}`);
    selection.server.status = status as ServerFilters['status'];
  }
  return selection;
}

/** The window to read: --since (default `defaultSpanMs` before now) to --until (default now), both included. */
export function windowOf(selection: PublishedSelection, now: number, defaultSpanMs: number): Slice {
  const until = selection.until ?? now;
  const since = selection.since ?? until - defaultSpanMs;
  if (since > until) throw new UsageError(`--since (${new Date(since).toISOString()}) is after --until (${new Date(until).toISOString()})`);
  return { from: since, to: until + 1 }; // --until is included, a slice's end is not
}

/** A parsed --since for a follower (default now). */
export function parseSince(text: string | undefined, now: Date = new Date()): number {
  return text === undefined ? now.getTime() : parseInstant(text, '--since', now).getTime();
}

function statusMatches(code: number | null | undefined, patterns: string[]): boolean {
  if (code === null || code === undefined) return false;
  const s = String(code);
  return patterns.some((p) => (p.endsWith('xx') ? s[0] === p[0] : s === p));
}

/** Whether an attempt passes what the API could not filter (and, leniently, what it should have). */
export function matchesPublished(e: PublishedEvent, s: PublishedSelection): boolean {
  const { server, local } = s;
  if (server.integration_id !== undefined && e.integration_id !== server.integration_id) return false;
  if (server.event_name !== undefined && e.event_name !== server.event_name) return false;
  if (server.domain_entity_id !== undefined && e.domain_entity_id !== server.domain_entity_id) return false;
  if (server.domain_entity_type !== undefined && e.domain_entity_type !== server.domain_entity_type) return false;
  if (server.status !== undefined && publishedEventStatus(e) !== server.status) return false;
  if (local.integrations && !(e.integration_id && matchesAnyGlob(e.integration_id, local.integrations))) return false;
  if (local.events && !(e.event_name && matchesAnyGlob(e.event_name, local.events))) return false;
  if (local.entityIds && !(e.domain_entity_id && matchesAnyGlob(e.domain_entity_id, local.entityIds))) return false;
  if (local.entityTypes && !(e.domain_entity_type && matchesAnyGlob(e.domain_entity_type, local.entityTypes))) return false;
  if (local.statusCodes && !statusMatches(e.response?.status_code, local.statusCodes)) return false;
  return true;
}

/** Whether nothing is applied locally beyond what the server already did (the stream passes through). */
export function selectsLocally(s: PublishedSelection): boolean {
  return Object.keys(s.local).length > 0;
}
