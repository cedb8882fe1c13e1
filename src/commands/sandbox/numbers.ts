// The numbers the sandbox verbs' flags take (ports, rates, counts, latencies), each refused with one line
// naming the flag.
import { UsageError } from '../../errors.js';

export function parseNumber(text: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${flag}: "${text}" is not ${what}`);
  return n;
}

export const isRate = (n: number): boolean => n >= 0 && n <= 1;
export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
export const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/**
 * --latency as the sandbox reads it (`parse`: the sandbox's parseLatency, loaded by the verb with the
 * sandbox); undefined when not given.
 */
export function parseLatencyFlag<T>(text: string | undefined, parse: (text: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    throw new UsageError(`--latency: ${(error as Error).message}`);
  }
}
