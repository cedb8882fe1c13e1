// HTTP plumbing of the sandbox's servers: JSON and problem+json answers, bodies, query parameters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';
import { PAGINATION, PROBLEM_JSON } from '../api/routes.js';

/** Thrown by handlers; the server turns it into an application/problem+json answer. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(status: number, detail?: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(status, TITLES[status] ?? `HTTP ${status}`, detail, headers, extra);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendProblem(res: ServerResponse, p: HttpProblem, requestId: string, instance: string): void {
  const body = JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.detail ?? p.title, instance, request_id: requestId, ...p.extra });
  res.writeHead(p.status, { ...p.headers, 'content-type': PROBLEM_JSON, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw problem(413, `body of ${declared} bytes is above the limit of ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw problem(413, `body is above the limit of ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Reads a JSON body; an empty body is `{}` (the _start/_stop calls send none). */
export async function readJson(req: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const buf = await readBody(req, limit);
  if (buf.length === 0) return {};
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (err) {
    throw problem(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates with a zod schema; a failure is a 400 naming each wrong field ("callback_parameters.callback_url: Invalid URL"). */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    const keys = i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys : undefined;
    const where = keys?.length ? (field ? `${field}.${keys.join(', ')}` : keys.join(', ')) : field || '(body)';
    return { field: where, message: i.message };
  });
  throw problem(400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), {}, { errors });
}

export interface Page {
  offset: number;
  count: number;
}

/** offset (default 0) and count (default 50, at most 200) [contract §2 pagination]; anything else is a 400. */
export function parsePage(query: URLSearchParams): Page {
  const offsetText = query.get(PAGINATION.offsetParam);
  const countText = query.get(PAGINATION.countParam);
  const offset = offsetText === null ? 0 : Number(offsetText);
  const count = countText === null ? PAGINATION.defaultCount : Number(countText);
  if (!Number.isInteger(offset) || offset < 0 || (offsetText !== null && offsetText.trim() === '')) {
    throw problem(400, `${PAGINATION.offsetParam}: must be a non-negative integer, got "${offsetText}"`);
  }
  if (!Number.isInteger(count) || count < 0 || count > PAGINATION.maxCount || (countText !== null && countText.trim() === '')) {
    throw problem(400, `${PAGINATION.countParam}: must be an integer from 0 to ${PAGINATION.maxCount}, got "${countText}"`);
  }
  return { offset, count };
}
