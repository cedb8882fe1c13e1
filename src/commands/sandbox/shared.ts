// What the sandbox verbs share: finding a running sandbox and calling its /_sandbox/ admin API.
import { NsxError, ExitCode, UsageError } from '../../errors.js';
import { getProfile } from '../../config/profiles.js';

export const SANDBOX_PROFILE = 'sandbox';
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4545';

/** --url, else NSX_SANDBOX_URL, else the "sandbox" profile's base URL, else the default port. */
export function sandboxUrl(flag: string | undefined): string {
  const url = flag ?? process.env.NSX_SANDBOX_URL ?? profileBaseUrl() ?? DEFAULT_SANDBOX_URL;
  try {
    return new URL(url).origin;
  } catch {
    throw new UsageError(`--url: "${url}" is not a URL`);
  }
}

function profileBaseUrl(): string | undefined {
  try {
    return getProfile(SANDBOX_PROFILE)?.['base-url'];
  } catch {
    return undefined;
  }
}

/** Calls an admin endpoint; a refused connection says how to start a sandbox. */
export async function admin<T>(baseUrl: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new NsxError(`no sandbox answers at ${baseUrl}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, ExitCode.error, {
      hint: 'start one with: nsx sandbox start (or pass --url)',
    });
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // not JSON
    }
    throw new NsxError(`sandbox ${method} /_sandbox${path} answered ${res.status}: ${detail}`, res.status === 400 ? ExitCode.usage : ExitCode.error);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export function parseNumber(text: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${flag}: "${text}" is not ${what}`);
  return n;
}

export const isRate = (n: number): boolean => n >= 0 && n <= 1;
export const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
export const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
