// Parsing of the time values users type: durations ("30s", "5m", "2h", "7d", "1h30m", "250ms") and
// instants (ISO-8601, or a duration meaning "that long ago").
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/** "90s" -> 90000. A bare number is seconds. Throws UsageError naming the flag. */
export function parseDuration(text: string, flag = 'duration'): number {
  const value = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!DURATION.test(value)) {
    throw new UsageError(`${flag}: "${text}" is not a duration (examples: 30s, 5m, 2h, 7d, 1h30m)`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * UNIT_MS[unit as string]!;
  }
  return Math.round(total);
}

/**
 * An instant: ISO-8601 (a date alone means midnight UTC; a date-time without zone is taken as UTC),
 * "now", or a duration meaning that long before `now` ("2h" = two hours ago).
 */
export function parseInstant(text: string, flag = 'time', now: Date = new Date()): Date {
  const value = text.trim();
  if (value === 'now') return now;
  if (DURATION.test(value)) return new Date(now.getTime() - parseDuration(value, flag));
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (iso) {
    const [, day, clock, zone] = iso;
    const date = new Date(clock ? `${day}T${clock}${zone ?? 'Z'}` : `${day}T00:00:00Z`);
    // Reject impossible calendar days (2026-02-30) that Date would roll over.
    const midnight = new Date(`${day}T00:00:00Z`);
    const sameDay = !Number.isNaN(midnight.getTime()) && midnight.toISOString().slice(0, 10) === day;
    if (!Number.isNaN(date.getTime()) && sameDay) return date;
  }
  throw new UsageError(
    `${flag}: "${text}" is not a date (examples: 2026-11-20, 2026-11-20T08:00:00Z, 2h = two hours ago, 7d)`,
  );
}

/** A future instant for --ends-at style flags: ISO-8601, or a duration meaning that long after `now`. */
export function parseFutureInstant(text: string, flag = 'time', now: Date = new Date()): Date {
  const value = text.trim();
  if (DURATION.test(value)) return new Date(now.getTime() + parseDuration(value, flag));
  return parseInstant(value, flag, now);
}

/** Human duration for reports: 1234 -> "1.2s", 125000 -> "2m05s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  // Compared after rounding, so a value just under a boundary reads in the next unit (not "60.0s").
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.round(ms / 100) < 600) return `${(ms / 1000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
