// nsx api METHOD PATH: checks everything typed (method, path, fields, input) before anything is sent, asks
// before a request that may change something, then prints the answer as JSON.
import { readFileSync } from 'node:fs';
import type { ArgsOf, OptionsOf } from '../define.js';
import type { api } from './index.js';
import type { CommandContext } from '../context.js';
import { parseRawRequest, type RawRequest } from '../../api/raw.js';
import { UsageError } from '../../errors.js';
import { unreadableFile } from '../../input/files.js';
import { readAllStdin } from '../../input/stdin.js';
import { confirm } from '../../output/prompts.js';
import { jsonText, printable } from '../../output/printable.js';
import { INTEGRATION_SECRET_PATHS } from '../../api/schemas.js';
import { MASK } from '../integrations/shared.js';

/** Field names whose string values are secrets wherever they appear in an answer (masked unless --show-secrets). */
const SECRET_KEYS: ReadonlySet<string> = new Set([...INTEGRATION_SECRET_PATHS.map(([, field]) => field), 'client_secret', 'access_token', 'refresh_token', 'password']);

/** A copy of an answer with every secret field's text replaced by the mask, as integrations get shows them. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.has(k) && typeof v === 'string' && v !== '' ? MASK : maskSecrets(v)]));
}

/** key=value as gh's -F reads it: true, false, null and numbers become JSON values, the rest stays text. */
export function parseField(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--field "${text}": expected key=value`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  if (raw === 'true') return [key, true];
  if (raw === 'false') return [key, false];
  if (raw === 'null') return [key, null];
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(raw) && Number.isFinite(Number(raw))) return [key, Number(raw)];
  return [key, raw];
}

async function readInput(path: string): Promise<unknown> {
  let text: string;
  try {
    text = path === '-' ? await readAllStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadableFile(error, path, '--input');
  }
  const where = path === '-' ? 'stdin' : path;
  if (!text.trim()) throw new UsageError(`--input: ${where} is empty`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input: ${where} is not JSON: ${(error as Error).message}`);
  }
}

interface Planned {
  request: RawRequest;
  query: Record<string, string>;
  body: unknown;
  paginate: boolean;
}

/** Everything typed, checked; exit 2 before any request. */
async function plan([method, path]: ArgsOf<typeof api>, opts: OptionsOf<typeof api>): Promise<Planned> {
  const request = parseRawRequest(method, path);
  const fields = (opts.field ?? []).map(parseField);
  const paginate = Boolean(opts.paginate);
  if (paginate && request.method !== 'GET') throw new UsageError(`--paginate reads lists: only with GET, not ${request.method}`);
  if (opts.input !== undefined && request.method === 'GET') throw new UsageError('--input sends a body: GET has none (use --field for query parameters)');
  const body = opts.input !== undefined ? await readInput(opts.input) : request.method !== 'GET' && fields.length ? Object.fromEntries(fields) : undefined;
  // As gh does: with GET or --input, the fields are the query.
  const query = request.method === 'GET' || opts.input !== undefined ? Object.fromEntries(fields.map(([k, v]) => [k, v === null ? '' : String(v)])) : {};
  return { request, query, body, paginate };
}

export async function run(ctx: CommandContext, args: ArgsOf<typeof api>, opts: OptionsOf<typeof api>): Promise<void> {
  const p = await plan(args, opts);
  const { request } = p;
  const client = await ctx.client();
  // Checked now, before any request: a bad page size in the query is exit 2.
  const pages = p.paginate ? client.raw.paginate(request, { query: p.query, signal: ctx.signal }) : undefined;
  if (request.method !== 'GET') {
    await ctx.announce();
    const settings = await ctx.settings();
    ctx.output.notice(`${request.method} ${request.path}${p.body !== undefined ? ' with a JSON body' : ''}`);
    await confirm(ctx.output, `Send ${request.method} ${request.path} to tenant ${settings.tenant ?? settings.baseUrl}?`, { yes: opts.yes });
  }
  const out = ctx.output;
  const shown = opts.showSecrets ? (v: unknown) => v : maskSecrets;
  const pretty = out.stdoutIsTTY || out.mode === 'json';
  if (pages) {
    if (out.querying) {
      // --query works on the concatenated items, as on a list.
      const items: unknown[] = [];
      for await (const item of pages) items.push(shown(item));
      out.object(items, () => '');
      return;
    }
    if (out.mode === 'ndjson') {
      for await (const item of pages) out.writeData(`${jsonText(shown(item))}\n`);
      return;
    }
    const items: unknown[] = [];
    for await (const item of pages) items.push(shown(item));
    out.writeData(`${jsonText(items, pretty ? 2 : undefined)}\n`);
    return;
  }
  const answer = await client.raw.send(request, { query: p.query, body: p.body, signal: ctx.signal });
  if (answer.body === undefined) return; // 204, or an empty answer
  if (typeof answer.body === 'string') {
    // Not JSON (text the route answers with): shown as text, with terminal controls escaped.
    out.writeData(`${printable(answer.body).replace(/\n?$/, '\n')}`);
    return;
  }
  if (out.querying) out.object(shown(answer.body), () => '');
  else out.writeData(`${jsonText(shown(answer.body), pretty && out.mode !== 'ndjson' ? 2 : undefined)}\n`);
}
