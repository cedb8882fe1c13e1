// The demo receiver: a real HTTP server on loopback standing in for an integrator's webhook endpoint, with
// switchable rules, so a user (or a test) can break an integration, watch it stop, fix it and recover.
// By default it is a correct receiver (contract §3): it checks the api key when it was given one (401
// otherwise), answers 400 for a body that is not an event, processes an event once per name + idempotency
// key (a duplicate is a 200 and a log line) and counts what it processed for `nsx receiver check
// --verify-url` (GET on a delivery path: ?name=&idempotency_key= -> {"processed": n}). The fault rules
// each break one of those promises, one per check of `nsx receiver check`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KNOWN_PRODUCT_IDS, entityOf, productIdsOf } from './events.js';
import { loopbackOrigin } from '../api/routes.js';
import { globListMatcher } from '../input/glob.js';
import { pause } from '../timers.js';
import { pickLatency, preciseNow } from './util.js';

/**
 * `accept-all` (200), `reject-unknown-products` (400 for order events with a product the ERP does not know),
 * `fail-all` (503), `reject-events:<glob>` (400 for matching names), `fail-events:<glob>` (503 for matching
 * names), and the receiver faults of RECEIVER_FAULTS (each fails one check of `nsx receiver check`).
 */
export type ReceiverRule =
  | 'accept-all'
  | 'reject-unknown-products'
  | 'fail-all'
  | `reject-events:${string}`
  | `fail-events:${string}`
  | ReceiverFault
  | `slow:${number}`;

/** NewStore's per-attempt delivery timeout as the sandbox models it at time scale 1 (index.ts: 10 s / timeScale). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The delay of the fault `slow`: past the delivery timeout. */
const SLOW_MS = 12_000;

/** The receiver bugs `nsx receiver check` catches, each with the check that catches it. */
export const RECEIVER_FAULTS = {
  'reject-exchanges': 'check 1: answers 400 for an exchange order (is_exchange: true)',
  'dup-as-error': 'check 2: answers 409 for a duplicate (same name + idempotency key)',
  'same-key-other-name-dedup': 'check 3: dedupes on the idempotency key alone, so another event with the same key is dropped as a duplicate',
  '500-on-unknown-order': 'check 4: answers 500 for order.cancelled / order.items_cancelled of an order it has not seen created',
  'accept-unauthenticated': 'check 5: takes deliveries without the api key, or with a wrong one',
  '500-on-malformed': 'check 6: answers 500 for a body that is not an event (bad JSON, no name)',
  slow: `check 7: answers after ${SLOW_MS} ms (slow:<ms> for another delay), past the default delivery timeout`,
  'double-process': 'check 8: answers a duplicate 200 but processes it again (seen through --verify-url)',
} as const;
export type ReceiverFault = keyof typeof RECEIVER_FAULTS;

export const RECEIVER_RULES = ['accept-all', 'reject-unknown-products', 'fail-all', 'reject-events:<glob>', 'fail-events:<glob>', ...Object.keys(RECEIVER_FAULTS), 'slow:<ms>'] as const;

export function isReceiverRule(text: string): text is ReceiverRule {
  return (
    text === 'accept-all' ||
    text === 'reject-unknown-products' ||
    text === 'fail-all' ||
    Object.hasOwn(RECEIVER_FAULTS, text) ||
    /^slow:\d+$/.test(text) ||
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
  /**
   * The api key deliveries must carry (`Authorization: Bearer <key>`; 401 otherwise). Without one the key is
   * not checked: the sandbox's built-in receiver serves integrations that each registered their own.
   */
  apiKey?: string;
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
  /** How many times the event (name + idempotency key) sent to `path` was processed. */
  processed(path: string, name: string, idempotencyKey: string): number;
  clearLog(): void;
  close(): Promise<void>;
}

interface Verdict {
  status: number;
  body: unknown;
}

const OK: Verdict = { status: 200, body: { ok: true } };

/** The rule's answer to an event, before idempotency (which only a 2xx answer reaches). */
function judge(rule: ReceiverRule, name: string, payload: Record<string, unknown> | null, knownOrder: (id: string) => boolean): Verdict {
  if (rule === 'reject-exchanges') {
    return payload?.is_exchange === true ? { status: 400, body: { error: 'unsupported', message: 'exchange orders are not supported (rule reject-exchanges)' } } : OK;
  }
  if (rule === '500-on-unknown-order') {
    const id = str(payload?.id);
    if ((name === 'order.cancelled' || name === 'order.items_cancelled') && id !== null && !knownOrder(id)) {
      return { status: 500, body: { error: 'internal', message: `order ${id} not found (rule 500-on-unknown-order)` } };
    }
    return OK;
  }
  if (Object.hasOwn(RECEIVER_FAULTS, rule) || rule.startsWith('slow:') || rule === 'accept-all') return OK;
  if (rule === 'fail-all') return { status: 503, body: { error: 'unavailable', message: 'receiver is down (rule fail-all)' } };
  if (rule === 'reject-unknown-products') {
    if (payload && entityOf(name) === 'order') {
      const unknown = productIdsOf(payload).find((id) => !KNOWN_PRODUCT_IDS.has(id));
      if (unknown) {
        return { status: 400, body: { error: 'unknown_product', message: `product ${unknown} is not in the ERP catalogue`, product_id: unknown } };
      }
    }
    return { status: 200, body: { ok: true } };
  }
  const [kind, glob] = [rule.slice(0, rule.indexOf(':')), rule.slice(rule.indexOf(':') + 1)];
  if (matcherFor(glob)(name)) {
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

/** Forgets the oldest entries of a map or set grown past `limit` (in batches: deleting is per entry). */
function bound(items: Map<string, unknown> | Set<string>, limit: number): void {
  if (items.size <= limit + 1000) return;
  let drop = items.size - limit;
  for (const key of items.keys()) {
    if (drop-- <= 0) break;
    items.delete(key);
  }
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<RunningReceiver> {
  let rule: ReceiverRule = opts.rule ?? 'accept-all';
  let latency = opts.latencyMs;
  const logLimit = opts.logLimit ?? 20_000;
  const log: ReceiverDelivery[] = [];
  let seq = 0;
  // Processing, as an integrator's receiver would record it: events processed per path + name + key,
  // and the orders it has seen created (for the out-of-order fault).
  const processedCounts = new Map<string, number>();
  const seenEvents = new Set<string>();
  const knownOrders = new Set<string>();
  const eventKey = (path: string, name: string, key: string): string => `${path}\u0000${name}\u0000${key}`;
  const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0]!;

  const authorized = (req: IncomingMessage): boolean => opts.apiKey === undefined || rule === 'accept-unauthenticated' || bearer(req.headers.authorization) === opts.apiKey;

  const verdictFor = (path: string, body: Record<string, unknown> | null, name: string | null, payload: Record<string, unknown> | null): Verdict => {
    if (body === null || name === null) {
      const what = body === null ? 'the body is not a JSON object' : 'the body has no event name';
      return rule === '500-on-malformed' ? { status: 500, body: { error: 'internal', message: `cannot read the event (rule 500-on-malformed)` } } : { status: 400, body: { error: 'not_an_event', message: what } };
    }
    const verdict = judge(rule, name, payload, (id) => knownOrders.has(id));
    if (verdict.status >= 300) return verdict;
    const key = str(body.idempotency_key);
    if (key === null) return verdict; // nothing to dedupe on
    // Dedupe on name + key; the fault same-key-other-name-dedup forgets the name.
    const dedupeKey = rule === 'same-key-other-name-dedup' ? eventKey(path, '', key) : eventKey(path, name, key);
    if (seenEvents.has(dedupeKey)) {
      if (rule === 'dup-as-error') return { status: 409, body: { error: 'duplicate', message: `event ${name} ${key} was already processed (rule dup-as-error)` } };
      if (rule !== 'double-process') return { status: 200, body: { ok: true, duplicate: true } };
    }
    seenEvents.add(dedupeKey);
    const full = eventKey(path, name, key);
    processedCounts.set(full, (processedCounts.get(full) ?? 0) + 1);
    if (name === 'order.created' || name === 'order.opened') {
      const id = str(payload?.id);
      if (id !== null) knownOrders.add(id);
      bound(knownOrders, 200_000);
    }
    bound(processedCounts, 200_000);
    bound(seenEvents, 200_000);
    return verdict;
  };

  const verify = (path: string, query: URLSearchParams): Verdict => {
    const name = query.get('name');
    const key = query.get('idempotency_key');
    if (!name || !key) return { status: 400, body: { error: 'bad_request', message: 'give ?name=EVENT&idempotency_key=KEY' } };
    return { status: 200, body: { processed: processed(path, name, key) } };
  };

  const processed = (path: string, name: string, key: string): number => processedCounts.get(eventKey(path, name, key)) ?? 0;

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
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    const name = str(body?.name);
    const payload = body?.payload && typeof body.payload === 'object' ? (body.payload as Record<string, unknown>) : null;
    const delay = rule === 'slow' ? SLOW_MS : rule.startsWith('slow:') ? Number(rule.slice(5)) : pickLatency(latency);
    if (delay > 0) await pause(delay);
    const path = pathOf(req.url);
    const verdict: Verdict =
      req.method !== 'POST' && req.method !== 'GET'
        ? { status: 405, body: { error: 'method_not_allowed' } }
        : !authorized(req)
          ? { status: 401, body: { error: 'unauthorized', message: 'a valid Authorization: Bearer <api key> is required' } }
          : req.method === 'GET'
            ? verify(path, new URLSearchParams((req.url ?? '').split('?')[1] ?? ''))
            : verdictFor(path, body, name, payload);
    const text = JSON.stringify(verdict.body);
    res.writeHead(verdict.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    if (req.method === 'GET') return; // a verify read, not a delivery
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
    processed,
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
