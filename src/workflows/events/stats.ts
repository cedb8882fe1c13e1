// Delivery figures per group (event name, integration or hour of attempted_at): attempts, successes,
// failures, failure rate and response-time percentiles. Fed one attempt at a time, so a streamed window of
// any size is summed with one number per attempt kept (its response time, for the percentiles).
import { publishedEventStatus, type PublishedEvent } from '../../api/schemas.js';
import { attemptedAt, type Slice } from './read.js';

export const STATS_GROUPINGS = ['event', 'integration', 'hour'] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];

const HOUR_MS = 3_600_000;

export interface GroupStats {
  /** The event name, the integration id, or the hour (ISO, e.g. 2026-11-30T09:00:00.000Z). */
  group: string;
  attempts: number;
  success: number;
  failure: number;
  /** failure / (success + failure); null when neither. */
  failure_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

class Group {
  attempts = 0;
  success = 0;
  failure = 0;
  private times = new Float64Array(16);
  private count = 0;
  add(e: PublishedEvent): void {
    this.attempts++;
    const status = publishedEventStatus(e);
    if (status === 'success') this.success++;
    else if (status === 'failure') this.failure++;
    const ms = e.response_time_ms;
    if (typeof ms === 'number' && Number.isFinite(ms)) {
      if (this.count === this.times.length) {
        const grown = new Float64Array(this.times.length * 2);
        grown.set(this.times);
        this.times = grown;
      }
      this.times[this.count++] = ms;
    }
  }
  figures(group: string): GroupStats {
    const sorted = this.times.subarray(0, this.count).sort();
    const decided = this.success + this.failure;
    return {
      group,
      attempts: this.attempts,
      success: this.success,
      failure: this.failure,
      failure_rate: decided === 0 ? null : this.failure / decided,
      p50_ms: percentile(sorted, 50),
      p95_ms: percentile(sorted, 95),
      max_ms: sorted.length ? sorted[sorted.length - 1]! : null,
    };
  }
}

/** Sums attempts into groups; `result()` orders them: hours in time order (every hour of the window, empty ones too), others busiest first. */
export class StatsCollector {
  private readonly groups = new Map<string, Group>();
  constructor(
    readonly by: StatsGrouping,
    private readonly window: Slice,
  ) {}

  private keyOf(e: PublishedEvent): string {
    switch (this.by) {
      case 'event':
        return e.event_name ?? '(no event name)';
      case 'integration':
        return e.integration_id ?? '(no integration)';
      case 'hour': {
        const at = attemptedAt(e);
        return Number.isNaN(at) ? '(no attempted_at)' : new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString();
      }
    }
  }

  add(e: PublishedEvent): void {
    const key = this.keyOf(e);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = new Group()));
    g.add(e);
  }

  result(): GroupStats[] {
    if (this.by === 'hour') {
      const out: GroupStats[] = [];
      const empty = new Group();
      for (let h = Math.floor(this.window.from / HOUR_MS) * HOUR_MS; h < this.window.to; h += HOUR_MS) {
        const key = new Date(h).toISOString();
        out.push((this.groups.get(key) ?? empty).figures(key));
      }
      const odd = this.groups.get('(no attempted_at)');
      if (odd) out.push(odd.figures('(no attempted_at)'));
      return out;
    }
    return [...this.groups.entries()].map(([k, g]) => g.figures(k)).sort((a, b) => b.attempts - a.attempts || a.group.localeCompare(b.group));
  }

  /** Every group summed: what the window holds. */
  total(): Omit<GroupStats, 'group' | 'p50_ms' | 'p95_ms' | 'max_ms'> {
    let attempts = 0;
    let success = 0;
    let failure = 0;
    for (const g of this.groups.values()) {
      attempts += g.attempts;
      success += g.success;
      failure += g.failure;
    }
    return { attempts, success, failure, failure_rate: success + failure === 0 ? null : failure / (success + failure) };
  }
}
