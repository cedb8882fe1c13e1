// The one way nsx reads the rejected events of an integration: `rejected list/export` stream it,
// `rejected retry/delete` select from it, recover plans from it and its gate and watch re-read it, and
// apply reads it to learn what a send with an unknown outcome did. No terminal I/O.
import type { RejectedEvent } from '../../api/schemas.js';
import { isEmptyFilter, matchesRejected, type EventFilter } from '../filters.js';

/** The read the listing needs (EventStreamApi has it; tests pass fakes). */
export interface RejectedEventsReader {
  rejectedEvents(id: string, options?: { parallel?: number; signal?: AbortSignal }): AsyncIterable<RejectedEvent>;
}

export interface ReadRejectedOptions {
  /** Keep only the events the filter matches (none or an empty one: every event). */
  filter?: EventFilter | undefined;
  signal?: AbortSignal | undefined;
  /** Pages in flight at once (recover's --concurrency); see HttpClient.paginate. */
  parallel?: number | undefined;
}

/**
 * The rejected events of `id`, as the pages arrive, each once. Offset pages of a list that changes while
 * it is read can overlap (pages read at once can be answered either side of a change), so an id seen
 * before is dropped: a plan, a gate count or a listing never holds an event twice. Events that moved past
 * a page already read are missed, as in any offset listing; recover's gate reads twice to catch them.
 */
export async function* readRejected(api: RejectedEventsReader, id: string, options: ReadRejectedOptions = {}): AsyncGenerator<RejectedEvent> {
  const filter = options.filter && !isEmptyFilter(options.filter) ? options.filter : undefined;
  const seen = new Set<string>();
  const read = { ...(options.signal ? { signal: options.signal } : {}), ...(options.parallel ? { parallel: options.parallel } : {}) };
  for await (const event of api.rejectedEvents(id, read)) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (!filter || matchesRejected(event, filter)) yield event;
  }
}

/** Every rejected event of `id` (that the filter keeps), each once, in the server's order. */
export async function listAllRejected(api: RejectedEventsReader, id: string, options: ReadRejectedOptions = {}): Promise<RejectedEvent[]> {
  const all: RejectedEvent[] = [];
  for await (const event of readRejected(api, id, options)) all.push(event);
  return all;
}

/**
 * One rejected event as the listing shows it, or undefined when it is not in the list: the reading stops
 * at the event. What apply reads after a send whose outcome is unknown, instead of sending it again.
 */
export async function findRejectedEvent(api: RejectedEventsReader, id: string, eventId: string, options: { signal?: AbortSignal } = {}): Promise<RejectedEvent | undefined> {
  for await (const event of readRejected(api, id, options)) if (event.id === eventId) return event;
  return undefined;
}

export interface RejectedSelection {
  /** The events to act on, oldest first. */
  events: RejectedEvent[];
  /** Explicit ids that are not in the rejected list (already delivered or deleted, or never existed). */
  missing: string[];
  /** Explicit ids that exist but do not match the filters (left alone). */
  excluded: string[];
}

export interface SelectOptions {
  /** Explicit event ids; empty or absent = every event (that the filter keeps). */
  eventIds?: readonly string[];
  filter: EventFilter;
  signal?: AbortSignal;
}

/** Reads the whole rejected list once and keeps the selected events, oldest first. */
export async function selectRejectedEvents(api: RejectedEventsReader, integrationId: string, options: SelectOptions): Promise<RejectedSelection> {
  const wanted = options.eventIds?.length ? new Set(options.eventIds) : undefined;
  const seen = new Set<string>();
  const excluded: string[] = [];
  const events: RejectedEvent[] = [];
  for await (const event of readRejected(api, integrationId, { signal: options.signal })) {
    if (wanted && !wanted.has(event.id)) continue;
    seen.add(event.id);
    if (matchesRejected(event, options.filter)) events.push(event);
    else if (wanted) excluded.push(event.id);
  }
  const missing = wanted ? [...wanted].filter((id) => !seen.has(id)) : [];
  return { events: oldestFirst(events), missing, excluded };
}

/** Sorts by rejected_at, keeping the server's order for ties and for unreadable timestamps. */
export function oldestFirst(events: readonly RejectedEvent[]): RejectedEvent[] {
  const at = (e: RejectedEvent): number => {
    const t = Date.parse(e.rejected_at);
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return events
    .map((event, index) => ({ event, index, t: at(event) }))
    .sort((a, b) => (a.t === b.t ? a.index - b.index : a.t < b.t ? -1 : 1))
    .map((x) => x.event);
}
