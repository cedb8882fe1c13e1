// Following the published events: each poll reads the window from a moving `from` to now, and returns the
// attempts it had not returned before, oldest first.
//  - No gaps: an attempt may appear in the API after later ones (it is recorded when it ends, and clocks
//    differ), so each window starts LIMITS.publishedEventsLateMs before the end of the previous one, and a
//    full answer is split like any other window (read.ts).
//  - No duplicates: attempts carry no id of their own. An attempt is known by its entity_id, attempted_at,
//    integration, event name, retries_remaining and status; the follower remembers how many of each key it
//    has returned within the overlap and returns only the ones beyond that count, so two attempts alike in
//    every field are both returned, and the boundary set (the attempts at the window's first instant) is
//    never returned twice. Keys older than the next window's start are forgotten.
import { LIMITS } from '../../api/routes.js';
import type { PublishedEvent } from '../../api/schemas.js';
import { attemptedAt, readPublishedEvents, type PublishedEventsReader, type ReadOptions, type ServerFilters } from './read.js';

export function attemptKey(e: PublishedEvent): string {
  return [e.entity_id, e.attempted_at, e.integration_id, e.event_name, e.retries_remaining, typeof e.status === 'string' ? e.status.toLowerCase() : String(e.status)].join('\u0000');
}

export interface FollowOptions extends Pick<ReadOptions, 'onIncomplete' | 'onSplit'> {
  /** Attempts before this instant (ms) are never returned. */
  since: number;
  /** How far back each poll looks again (default LIMITS.publishedEventsLateMs). */
  lateMs?: number;
  /** What is returned: the attempts that pass (local filters). */
  matches?: (e: PublishedEvent) => boolean;
}

export class PublishedFollower {
  /** key -> how many attempts of that key were returned, with their attempted_at (to forget them). */
  private readonly returned = new Map<string, { count: number; at: number }>();
  private nextFrom: number;
  private readonly lateMs: number;

  constructor(
    private readonly api: PublishedEventsReader,
    private readonly filters: ServerFilters,
    private readonly options: FollowOptions,
  ) {
    this.nextFrom = options.since;
    this.lateMs = options.lateMs ?? LIMITS.publishedEventsLateMs;
  }

  /** Keys remembered now (bounded by the attempts of one overlap). */
  get remembered(): number {
    return this.returned.size;
  }

  /** The attempts new since the last poll, oldest first; `now` is the end of the window read (ms). */
  async poll(now: number, signal?: AbortSignal): Promise<PublishedEvent[]> {
    const from = this.nextFrom;
    const to = Math.max(from, now) + 1;
    const seen = new Map<string, { count: number; at: number; items: PublishedEvent[] }>();
    const reading: ReadOptions = { ...(signal ? { signal } : {}), ...(this.options.onIncomplete ? { onIncomplete: this.options.onIncomplete } : {}), ...(this.options.onSplit ? { onSplit: this.options.onSplit } : {}) };
    for await (const e of readPublishedEvents(this.api, { from, to }, this.filters, reading)) {
      if (this.options.matches && !this.options.matches(e)) continue;
      const at = attemptedAt(e);
      if (!(at >= this.options.since)) continue;
      const key = attemptKey(e);
      let entry = seen.get(key);
      if (!entry) seen.set(key, (entry = { count: 0, at, items: [] }));
      entry.count++;
      entry.items.push(e);
    }
    const fresh: { e: PublishedEvent; at: number }[] = [];
    for (const [key, entry] of seen) {
      const before = this.returned.get(key)?.count ?? 0;
      for (let i = before; i < entry.count; i++) fresh.push({ e: entry.items[i]!, at: entry.at });
      if (entry.count > before) this.returned.set(key, { count: entry.count, at: entry.at });
    }
    // The next window starts lateMs before this one's end (never before --since); what is older is forgotten.
    this.nextFrom = Math.max(this.options.since, to - this.lateMs);
    for (const [key, r] of this.returned) if (r.at < this.nextFrom) this.returned.delete(key);
    return fresh.sort((a, b) => a.at - b.at).map(({ e }) => e);
  }
}
