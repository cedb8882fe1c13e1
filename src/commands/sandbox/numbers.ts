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

/**
 * --rate-limit values: "100/s" (all API calls together) or "ROUTE=50/s" (one route); each at most once.
 * Returns the fault spec's fields: `rateLimit` and `routes.<route>.rateLimit`.
 */
export function parseRateLimits(texts: readonly string[], routes: readonly string[]): { rateLimit?: number; routes?: Record<string, { rateLimit: number }> } {
  const out: { rateLimit?: number; routes?: Record<string, { rateLimit: number }> } = {};
  for (const text of texts) {
    const m = /^(?:([A-Za-z]+)=)?(\d+(?:\.\d+)?)\/s$/.exec(text.trim());
    if (!m || !(Number(m[2]) > 0)) throw new UsageError(`--rate-limit: "${text}" is not a limit (examples: 100/s, retryRejectedEvent=50/s)`);
    const rate = Number(m[2]);
    const route = m[1];
    if (route === undefined) {
      if (out.rateLimit !== undefined) throw new UsageError(`--rate-limit: "${text}": the overall limit is given twice`);
      out.rateLimit = rate;
      continue;
    }
    if (!routes.includes(route)) throw new UsageError(`--rate-limit: "${text}": unknown route ${route} (one of ${routes.join(', ')})`);
    out.routes ??= {};
    if (out.routes[route]) throw new UsageError(`--rate-limit: "${text}": the limit of ${route} is given twice`);
    out.routes[route] = { rateLimit: rate };
  }
  return out;
}
