// Shared by the recover tests (in-process and spawned): the sandbox's view of an integration, its receiver
// log, the plan order nsx must follow (computed independently of nsx's plan code), and a receiver the test
// holds until it releases it (to keep a run in flight without outlasting commands by latency).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxHarness as FullHarness } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/poll.js';

/** What these helpers use of a harness (the spawning one or the in-process one). */
type SandboxHarness = Pick<FullHarness, 'admin' | 'sandbox'>;

export interface Delivery {
  seq: number;
  event_id: string | null;
  name: string | null;
  entity_id: string | null;
  status: number;
  start: number;
  end: number;
}

export async function receiverLog(h: SandboxHarness): Promise<Delivery[]> {
  return (await h.admin<{ deliveries: Delivery[] }>('GET', '/_sandbox/receiver/log')).deliveries;
}

export async function setReceiverRule(h: SandboxHarness, rule: string, latencyMs?: number): Promise<void> {
  await h.admin('PUT', '/_sandbox/receiver/rule', { rule, ...(latencyMs !== undefined ? { latency_ms: latencyMs } : {}) });
}

export interface ServerRejected {
  id: string;
  rejected_at: string;
  event: { name: string; published_at: string; payload: Record<string, unknown> };
}

export function rejectedOnServer(h: SandboxHarness, integration: string): ServerRejected[] {
  return h.sandbox.state.rejectedOf(integration).map((r) => structuredClone(r) as ServerRejected);
}

export function statusOf(h: SandboxHarness, integration: string): string | undefined {
  return h.sandbox.state.integrations.get(integration)?.status;
}

/** rejected_at, then published_at, then id: the order the issue prescribes. */
export function expectedOrder(events: ServerRejected[]): string[] {
  return [...events]
    .sort((a, b) => Date.parse(a.rejected_at) - Date.parse(b.rejected_at) || Date.parse(a.event.published_at) - Date.parse(b.event.published_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => e.id);
}

export interface JournalLine {
  type: string;
  event_id?: string;
  outcome?: string;
  action?: string;
  [key: string]: unknown;
}

export function journalLines(path: string): JournalLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(check, timeoutMs, what, { intervalMs: 50 });
}

/**
 * The nsx command printed after `label` in `text`, as argv words (after `nsx`): POSIX shell words, single
 * quotes honoured, ending at an unquoted `;`, a line end or a run of spaces. Throws when there is none, so
 * a test that runs a printed hint fails when the hint is missing.
 */
export function printedCommand(text: string, label: string): string[] {
  const at = text.indexOf(label);
  if (at < 0) throw new Error(`no "${label}" in:\n${text}`);
  const start = text.indexOf('nsx ', at + label.length);
  if (start < 0) throw new Error(`no nsx command after "${label}" in:\n${text}`);
  const words: string[] = [];
  let word: string | undefined;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
      if (text[i + 1] === ' ') break;
    } else if (c === '\\' && text[i + 1] !== undefined) {
      word = (word ?? '') + text[++i];
    } else if (c === ';' || c === '\n') {
      break;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  if (words[0] !== 'nsx') throw new Error(`not an nsx command: ${words.join(' ')}`);
  return words.slice(1);
}

export interface HeldReceiver {
  /** Deliveries waiting (arrived, not yet passed to the receiver). */
  readonly waiting: number;
  /** Passes every waiting delivery to the receiver, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

/**
 * Points `integration`'s callback at a gate in front of the sandbox's receiver: deliveries (and the
 * sandbox's synchronous retries, so the nsx call that asked for them) wait there until release(). A run in
 * flight stays in flight exactly as long as the test needs, however slow the machine.
 */
export async function holdReceiver(h: SandboxHarness, integration: string): Promise<HeldReceiver> {
  const rec = h.sandbox.state.integrations.get(integration);
  if (!rec?.callback_parameters) throw new Error(`${integration} has no callback`);
  const target = new URL(rec.callback_parameters.callback_url);
  let released = false;
  const queue: Array<() => void> = [];
  const pass = async (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    const answer = await fetch(`${target.origin}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: body.length ? body : undefined });
    const text = await answer.text();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const go = (): void => void pass(req, Buffer.concat(chunks), res).catch(() => res.destroy());
      if (released) go();
      else queue.push(go);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  rec.callback_parameters.callback_url = `http://127.0.0.1:${port}${target.pathname}${target.search}`;
  return {
    get waiting() {
      return queue.length;
    },
    release() {
      released = true;
      for (const go of queue.splice(0)) go();
    },
    close: () =>
      new Promise<void>((resolve) => {
        released = true;
        for (const go of queue.splice(0)) go();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
