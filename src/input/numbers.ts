// Numbers users type in flags: whole numbers within bounds, and rates ("20/s").
import { UsageError } from '../errors.js';

/**
 * A whole number in [min, max]. The message says the bound that matters: "from 1 to 64" with a max,
 * "a positive whole number" for min 1, "a whole number" for min 0.
 */
export function parseWholeNumber(text: string, flag: string, bounds: { min: number; max?: number }): number {
  const n = Number(text);
  if (/^\d+$/.test(text.trim()) && n >= bounds.min && (bounds.max === undefined || n <= bounds.max)) return n;
  if (bounds.max !== undefined) throw new UsageError(`${flag}: "${text}" must be a whole number from ${bounds.min} to ${bounds.max}`);
  throw new UsageError(`${flag}: "${text}" is not a ${bounds.min >= 1 ? 'positive ' : ''}whole number`);
}

/** "20/s", "20", "0.5/s" -> per second. */
export function parseRate(text: string, flag = '--rate'): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`${flag}: "${text}" is not a rate (examples: 20/s, 0.5/s)`);
  return Number(m[1]);
}

/** "0.05", "5%" -> 0.05; anything else undefined (the command turns it into a usage error). */
export function parseFailureRate(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(t);
  if (!m) return undefined;
  const v = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  return v >= 0 && v <= 1 ? v : undefined;
}

/** A --max-failure-rate as typed ("0.05", "5%"), or a usage error in the words nsx status uses. */
export function parseMaxFailureRate(text: string, flag = '--max-failure-rate'): number {
  const rate = parseFailureRate(text);
  if (rate === undefined) throw new UsageError(`${flag}: "${text}" is not a rate from 0 to 1 (examples: 0.05, 5%)`);
  return rate;
}
