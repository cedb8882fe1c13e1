// Uploading a file with a streamed PUT: import data to a presigned URL (S3 or any HTTPS store) or to the
// sandbox's blob store. The body is read from disk as it is sent (the length is known, so no chunked
// encoding, which presigned S3 URLs refuse). Presigned URLs carry their credentials in the query string:
// only origin and path ever appear in messages.
import { createReadStream } from 'node:fs';
import type { Dispatcher } from 'undici';
import { exchange, type ExchangeResult } from './exchange.js';
import { ApiError, NetworkError } from '../errors.js';
import { sleep } from '../timers.js';

export interface PutFileOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Extra headers (never credentials of ours: a presigned URL carries its own). */
  headers?: Record<string, string>;
  /** Further attempts after a connection failure or a 5xx (a PUT of the same bytes is safe to repeat). */
  retries?: number;
  signal?: AbortSignal | undefined;
  trace?: (line: string) => void;
}

export interface PutFileResult {
  status: number;
  body: unknown;
}

/** The URL without its query string: what may be shown of a presigned URL. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

export async function putFile(url: string, filePath: string, bytes: number, options: PutFileOptions): Promise<PutFileResult> {
  const target = new URL(url);
  const shown = displayUrl(url);
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    options.trace?.(`> PUT ${shown} (${bytes} bytes)${attempt > 0 ? ` (retry ${attempt})` : ''}`);
    let response: ExchangeResult;
    const file = createReadStream(filePath);
    try {
      response = await exchange(options.dispatcher, {
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'PUT',
        headers: { ...options.headers, 'content-length': String(bytes) },
        body: file,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      file.destroy(); // a failed send may leave the file half read, and open
      options.trace?.(`< error PUT ${shown} ${Math.round(performance.now() - started)}ms`);
      if (options.signal?.aborted) throw error;
      if (attempt < retries) {
        await sleep(500 * 2 ** attempt, options.signal);
        continue;
      }
      const code = (error as { code?: string }).code;
      throw new NetworkError(`uploading to ${shown} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${(error as Error).message}`, code, error);
    }
    const { text, statusCode: status } = response;
    options.trace?.(`< ${status} PUT ${shown} ${Math.round(performance.now() - started)}ms`);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // S3 answers XML; keep the text for the error message.
    }
    if (status >= 200 && status < 300) return { status, body };
    if (status >= 500 && attempt < retries) {
      await sleep(500 * 2 ** attempt, options.signal);
      continue;
    }
    throw new ApiError({ status, method: 'PUT', url: `${target.origin}${target.pathname}`, title: 'upload refused', detail: uploadDetail(text, body), body });
  }
}

/** A problem+json detail, S3's XML error (<Code>…</Code><Message>…</Message>), or the start of the answer. */
function uploadDetail(text: string, body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const b = body as { detail?: unknown; message?: unknown };
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.message === 'string') return b.message;
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (code || message) return [code, message].filter(Boolean).join(': ');
  return text ? text.slice(0, 200) : undefined;
}

/** Uploads over the client's dispatcher: callers never wire one. */
export class UploadApi {
  constructor(private readonly dispatcher: Dispatcher) {}

  /** A streamed PUT of a file to a URL (a presigned one, e.g. S3). */
  put(url: string, filePath: string, bytes: number, options: Omit<PutFileOptions, 'dispatcher'>): Promise<PutFileResult> {
    return putFile(url, filePath, bytes, { ...options, dispatcher: this.dispatcher });
  }
}
