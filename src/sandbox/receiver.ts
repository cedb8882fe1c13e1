// The demo receiver: a real HTTP server on loopback standing in for an integrator's webhook endpoint, with
// switchable rules, so a user (or a test) can break an integration, watch it stop, fix it and recover.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KNOWN_PRODUCT_IDS, entityOf, productIdsOf } from './events.js';
import { loopbackOrigin } from '../api/routes.js';
import { globListMatcher } from '../input/glob.js';
import { pause } from '../timers.js';
import { pickLatency, preciseNow } from './util.js';

/**
 * `accept-all` (200), `reject-unknown-products` (400 for order events with a product the ERP does not know),
 * `fail-all` (503), `reject-events:<glob>` (400 for matching names), `fail-events:<glob>` (503 for matching names).
 */
export type ReceiverRule = 'accept-all' | 'reject-unknown-products' | 'fail-all' | `reject-events:${string}` | `fail-events:${string}`;

export const RECEIVER_RULES = ['accept-all', 'reject-unknown-products', 'fail-all', 'reject-events:<glob>', 'fail-events:<glob>'] as const;

export function isReceiverRule(text: string): text is ReceiverRule {
  return (
    text === 'accept-all' ||
    text === 'reject-unknown-products' ||
    text === 'fail-all' ||
    (/^reject-events:.+/.test(text)) ||
    (/^fail-events:.+/.test(text))
  );
}

export interface ReceiverDelivery {
  seq: number;
  path: string;
  /** The sandbox's event id (header X-Sandbox-Event-Id), null when the sender is not the sandbox. */
  event_id: string | null;
  name: string | null;
  idempotency_key: string | null;
  payload_id: string | null;
  order_id: string | null;
  /** order_id when the payload has one, else the payload id: the entity whose deliveries must not overlap. */
  entity_id: string | null;
  authorization: string | null;
  status: number;
  /** Epoch milliseconds with sub-millisecond precision: when the request arrived and when the answer was sent. */
  start: number;
  end: number;
}

export interface ReceiverOptions {
  port?: number;
  host?: string;
  rule?: ReceiverRule;
  latencyMs?: number | [number, number];
  /** How many deliveries the log keeps (oldest dropped first). */
  logLimit?: number;
  /** Called after each answer (the standalone `nsx sandbox receiver` prints a line per delivery). */
  onDelivery?: (delivery: ReceiverDelivery) => void;
}

export interface RunningReceiver {
  url: string;
  port: number;
  readonly rule: ReceiverRule;
  /** Deliveries received, oldest first (bounded by logLimit). */
  readonly log: ReceiverDelivery[];
  setRule(rule: ReceiverRule, latencyMs?: number | [number, number] | null): void;
  clearLog(): void;
  close(): Promise<void>;
}

interface Verdict {
  status: number;
  body: unknown;
}

function judge(rule: ReceiverRule, name: string | null, payload: Record<string, unknown> | null): Verdict {
  if (rule === 'accept-all') return { status: 200, body: { ok: true } };
  if (rule === 'fail-all') return { status: 503, body: { error: 'unavailable', message: 'receiver is down (rule fail-all)' } };
  if (rule === 'reject-unknown-products') {
    if (name && payload && entityOf(name) === 'order') {
      const unknown = productIdsOf(payload).find((id) => !KNOWN_PRODUCT_IDS.has(id));
      if (unknown) {
        return { status: 400, body: { error: 'unknown_product', message: `product ${unknown} is not in the ERP catalogue`, product_id: unknown } };
      }
    }
    return { status: 200, body: { ok: true } };
  }
  const [kind, glob] = [rule.slice(0, rule.indexOf(':')), rule.slice(rule.indexOf(':') + 1)];
  if (name && matcherFor(glob)(name)) {
    return kind === 'reject-events'
      ? { status: 400, body: { error: 'rejected', message: `events ${glob} are rejected by rule ${rule}` } }
      : { status: 503, body: { error: 'unavailable', message: `events ${glob} fail by rule ${rule}` } };
  }
  return { status: 200, body: { ok: true } };
}

const matchers = new Map<string, (name: string) => boolean>();
function matcherFor(glob: string): (name: string) => boolean {
  let m = matchers.get(glob);
  if (!m) {
    if (matchers.size > 100) matchers.clear();
    matchers.set(glob, (m = globListMatcher(glob)));
  }
  return m;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<RunningReceiver> {
  let rule: ReceiverRule = opts.rule ?? 'accept-all';
  let latency = opts.latencyMs;
  const logLimit = opts.logLimit ?? 20_000;
  const log: ReceiverDelivery[] = [];
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const start = preciseNow();
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', resolve);
      req.on('error', reject);
    });
    let body: Record<string, unknown> | null = null;
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    const name = str(body?.name);
    const payload = body?.payload && typeof body.payload === 'object' ? (body.payload as Record<string, unknown>) : null;
    const delay = pickLatency(latency);
    if (delay > 0) await pause(delay);
    const verdict: Verdict =
      req.method !== 'POST' ? { status: 405, body: { error: 'method_not_allowed' } } : body === null ? { status: 400, body: { error: 'invalid_json' } } : judge(rule, name, payload);
    const text = JSON.stringify(verdict.body);
    res.writeHead(verdict.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    const orderId = str(payload?.order_id);
    const payloadId = str(payload?.id);
    const delivery: ReceiverDelivery = {
      seq: ++seq,
      path: req.url ?? '/',
      event_id: str(req.headers['x-sandbox-event-id']),
      name,
      idempotency_key: str(body?.idempotency_key),
      payload_id: payloadId,
      order_id: orderId,
      entity_id: orderId ?? payloadId,
      authorization: str(req.headers.authorization),
      status: verdict.status,
      start,
      end: preciseNow(),
    };
    log.push(delivery);
    opts.onDelivery?.(delivery);
    if (log.length > logLimit + 1000) log.splice(0, log.length - logLimit); // trimmed in batches: splice is O(n)
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = loopbackOrigin(host, port);
  return {
    url,
    port,
    get rule() {
      return rule;
    },
    log,
    setRule(next, nextLatency) {
      if (!isReceiverRule(next)) throw new Error(`unknown receiver rule "${String(next)}"`);
      rule = next;
      if (nextLatency !== undefined) latency = nextLatency ?? undefined;
    },
    clearLog() {
      log.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
