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
