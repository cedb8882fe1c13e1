// Reading a window of NewStore's published events [contract §2], whatever its size. The API documents no
// pagination, so an answer may be cut short without saying so. The one rule nsx relies on (the assumption
// is LIMITS.publishedEventsAnswerCap in src/api/routes.ts): an answer holding at least that many attempts
// may be truncated. Such an answer is set aside and its window read again as two halves, each split the
// same way if needed, down to MIN_SLICE_MS. Slices are read newest first and each is yielded newest first
// as soon as it is complete, so a day of 100,000 attempts streams in slices of fewer than CAP attempts and
// memory stays bounded. No printing here: the commands own the output.
import type { EventStreamApi } from '../../api/eventstream.js';
import { LIMITS } from '../../api/routes.js';
import type { PublishedEvent } from '../../api/schemas.js';

/** The narrowest slice nsx splits down to; a fuller one is yielded as it is, and reported (onIncomplete). */
export const MIN_SLICE_MS = 1000;

/** The documented filters that the API applies itself (sent as query parameters). */
export interface ServerFilters {
  integration_id?: string;
  event_name?: string;
  /** Sent lower case [doc]; answers carry it upper case. */
  status?: 'success' | 'failure';
  domain_entity_id?: string;
  domain_entity_type?: string;
}

/** A window [from, to): `from` included, `to` not. */
export interface Slice {
  from: number;
  to: number;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Answers of this many attempts or more are taken as truncated (default LIMITS.publishedEventsAnswerCap). */
  cap?: number;
  minSliceMs?: number;
  /** A window was found full and is read again in two halves. */
  onSplit?: (slice: Slice, answered: number) => void;
  /** A slice of the narrowest width still answered `cap` or more: what it holds may be incomplete. */
  onIncomplete?: (slice: Slice, answered: number) => void;
  /** Every request made (for --verbose style reporting and tests). */
  onRequest?: (slice: Slice) => void;
}

export type PublishedEventsReader = Pick<EventStreamApi, 'publishedEvents'>;

/** attempted_at in epoch ms, NaN when absent or unreadable. */
export function attemptedAt(e: PublishedEvent): number {
  return typeof e.attempted_at === 'string' ? Date.parse(e.attempted_at) : Number.NaN;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Every attempt of the window that the server filters select, newest first. `to` is sent as is and each
 * answer is clipped to [from, to) here, so a server that includes `to` gives no attempt twice where two
 * slices meet. An attempt without a readable attempted_at cannot be placed in a slice: it is yielded with
 * the slice whose answer held it.
 */
export async function* readPublishedEvents(api: PublishedEventsReader, window: Slice, filters: ServerFilters = {}, options: ReadOptions = {}): AsyncGenerator<PublishedEvent> {
  const cap = options.cap ?? LIMITS.publishedEventsAnswerCap;
  const minSlice = options.minSliceMs ?? MIN_SLICE_MS;
  const abort = new AbortController();
  const onAbort = (): void => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) abort.abort(options.signal.reason);
  const fetchSlice = (slice: Slice): Promise<PublishedEvent[]> => {
    options.onRequest?.(slice);
    return api.publishedEvents({ from: iso(slice.from), to: iso(slice.to), ...filters }, { signal: abort.signal });
  };
  // Slices still to read, the newest on top. The next one is requested while the current one is yielded.
  const todo: Slice[] = window.to > window.from ? [window] : [];
  let next: { slice: Slice; answer: Promise<PublishedEvent[]> } | undefined;
  const take = (): { slice: Slice; answer: Promise<PublishedEvent[]> } | undefined => {
    const slice = todo.pop();
    if (!slice) return undefined;
    const answer = fetchSlice(slice);
    answer.catch(() => undefined); // awaited below; a rejection before then is not "unhandled"
    return { slice, answer };
  };
  try {
    next = take();
    while (next) {
      const { slice, answer } = next;
      const items = await answer;
      next = undefined;
      if (items.length >= cap && slice.to - slice.from > minSlice) {
        options.onSplit?.(slice, items.length);
        const mid = slice.from + Math.floor((slice.to - slice.from) / 2);
        todo.push({ from: slice.from, to: mid }, { from: mid, to: slice.to });
        next = take();
        continue;
      }
      if (items.length >= cap) options.onIncomplete?.(slice, items.length);
      const kept = items
        .map((e, i) => ({ e, i, at: attemptedAt(e) }))
        .filter(({ at }) => Number.isNaN(at) || (at >= slice.from && at < slice.to))
        // newest first; attempts of the same instant in the reverse of the answer's (oldest-first) order
        .sort((a, b) => (Number.isNaN(b.at) ? -1 : Number.isNaN(a.at) ? 1 : b.at - a.at || b.i - a.i));
      next = take();
      for (const { e } of kept) yield e;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (next) abort.abort(); // the caller stopped early: the request in flight is not needed
  }
}
