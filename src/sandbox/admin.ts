// The /_sandbox/ admin API: not NewStore's; no auth, loopback clients only. Documented in README.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { LIMITS } from '../api/routes.js';
import type { SandboxCore } from './core.js';
import { EVENT_NAMES } from './events.js';
import { FaultSpecSchema } from './faults.js';
import { problem, readBody, readJson, sendEmpty, sendJson, validate } from './http.js';
import { BLOB_PATH_PREFIX } from './imports.js';
import { isReceiverRule, RECEIVER_RULES } from './receiver.js';
import { SCENARIOS } from './scenarios/index.js';
import { publicIntegration, PUBLISHED_KEEP, type IntegrationRecord, type PublishedAttempt } from './state.js';
import { EventGenerator } from './events.js';
import { isoNow, seededRandom } from './util.js';

const Latency = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()])]);

const EmitBody = z.strictObject({
  count: z.number().int().min(1).max(1_000_000).optional(),
  rate: z.number().positive().optional(),
  names: z.string().min(1).optional(),
  events: z
    .union([
      z.string().min(1), // a glob, same as `names`
      z.array(z.strictObject({ name: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() })).min(1),
    ])
    .optional(),
  unknown_product: z.boolean().optional(),
});

const RuleBody = z.strictObject({
  rule: z.string().refine(isReceiverRule, { message: `one of ${RECEIVER_RULES.join(', ')}` }),
  latency_ms: Latency.nullable().optional(),
});

const ResetBody = z.strictObject({ scenario: z.string().optional() });

const StockBody = z.strictObject({
  product_id: z.string().min(1),
  fulfillment_node_id: z.string().min(1),
  store_id: z.string().nullable().optional(),
  on_hand: z.number().int().optional(),
  reservations: z.number().int().nonnegative().optional(),
  safety_stock: z.number().int().nonnegative().optional(),
  /** Replaces the allocations of this product at this node. */
  allocations: z
    .array(
      z.strictObject({
        id: z.string().optional(),
        logical_timestamp: z.number().int().nonnegative(),
        quantity: z.number().int().positive().default(1),
        state: z.enum(['open', 'completed']).default('open'),
        fulfillment_request_id: z.string().nullable().optional(),
      }),
    )
    .optional(),
});

const SeedBody = z.strictObject({
  integration_id: z.string().min(1),
  logs: z.number().int().min(0).max(2_000_000).default(0),
  rejected: z.number().int().min(0).max(200_000).default(0),
  rejected_limit: z.number().int().positive().optional(),
  /** Published-events attempts of this integration, evenly spread over the `published_span_ms` before now. */
  published: z.number().int().min(0).max(1_000_000).default(0),
  published_span_ms: z.number().int().positive().max(30 * 86_400_000).default(86_400_000),
  /** Share of the seeded attempts that failed (every 1/rate-th one, so the figure is exact). */
  published_failure_rate: z.number().min(0).max(1).default(0.05),
});

const PatchIntegrationBody = z.strictObject({ rejected_limit: z.number().int().positive().nullable() });

export async function handleAdmin(core: SandboxCore, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
  const rest = path.replace(/^\/_sandbox\/?/, '').replace(/\/$/, '');
  const method = req.method ?? 'GET';
  const route = `${method} ${rest.split('/')[0] ?? ''}`;

  if (rest.startsWith('files/')) return files(core, req, res, method, decodeURIComponent(rest.slice('files/'.length)));
  if (rest.startsWith('integrations/')) {
    if (method !== 'PATCH') throw problem(405, 'PATCH /_sandbox/integrations/{id} only', { allow: 'PATCH' });
    const id = decodeURIComponent(rest.slice('integrations/'.length));
    const rec = core.state.integrations.get(id);
    if (!rec) throw problem(404, `integration ${id} not found`);
    const body = validate(PatchIntegrationBody, await readJson(req));
    rec.internal.rejected_limit = body.rejected_limit;
    core.state.touch();
    return sendJson(res, 200, { ...publicIntegration(rec), rejected_limit: rec.internal.rejected_limit ?? core.options.rejectedLimit });
  }

  switch (route) {
    case 'GET ':
      return sendJson(res, 200, info(core));
    case 'POST emit': {
      const body = validate(EmitBody, await readJson(req));
      const names = body.names ?? (typeof body.events === 'string' ? body.events : undefined);
      try {
        const result = await core.emit({
          count: body.count,
          rate: body.rate,
          names,
          events: Array.isArray(body.events) ? body.events : undefined,
          unknownProduct: body.unknown_product,
        });
        return sendJson(res, 200, result);
      } catch (err) {
        throw problem(400, (err as Error).message, {}, { event_names: EVENT_NAMES });
      }
    }
    case 'GET events': {
      const since = Number(query.get('since') ?? 0);
      const limit = Math.min(Number(query.get('count') ?? 1000), 10_000);
      const st = core.state;
      const from = Math.max(st.eventsBase, since + 1);
      const out = [];
      for (let seq = from; seq < st.nextSeq && out.length < limit; seq++) out.push(st.eventAt(seq));
      return sendJson(res, 200, { events: out, next_seq: st.nextSeq });
    }
    case 'GET receiver': {
      if (rest === 'receiver') return sendJson(res, 200, receiverInfo(core));
      if (rest !== 'receiver/log') break;
      // Deliveries after `since` (a seq), oldest first; at most `count` (default 10,000).
      const since = Number(query.get('since') ?? 0);
      const limit = Math.min(Math.max(1, Number(query.get('count') ?? 10_000)), 100_000);
      const log = requireReceiver(core).log;
      let lo = 0;
      let hi = log.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (log[mid]!.seq <= since) lo = mid + 1;
        else hi = mid;
      }
      return sendJson(res, 200, { deliveries: log.slice(lo, lo + limit) });
    }
    case 'PUT receiver': {
      if (rest !== 'receiver/rule') break;
      const r = requireReceiver(core);
      const body = validate(RuleBody, await readJson(req));
      r.setRule(body.rule as Parameters<typeof r.setRule>[0], body.latency_ms === undefined ? undefined : body.latency_ms);
      return sendJson(res, 200, receiverInfo(core));
    }
    case 'DELETE receiver':
      if (rest !== 'receiver/log') break;
      requireReceiver(core).clearLog();
      return sendEmpty(res, 204);
    case 'GET faults':
      return sendJson(res, 200, core.faults);
    case 'PUT faults':
      core.faults = validate(FaultSpecSchema, await readJson(req));
      return sendJson(res, 200, core.faults);
    case 'DELETE faults':
      core.faults = {};
      return sendEmpty(res, 204);
    case 'POST reset': {
      const body = validate(ResetBody, await readJson(req));
      const scenario = body.scenario ?? core.options.scenario;
      if (!SCENARIOS[scenario]) throw problem(400, `scenario: unknown scenario "${scenario}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
      await core.reset(scenario);
      return sendJson(res, 200, info(core));
    }
    case 'GET stock':
      return sendJson(res, 200, {
        nodes: [...core.state.stock.nodes.values()],
        stock: core.state.stock.view({ product_id: query.get('product_id') ?? undefined, fulfillment_node_id: query.get('fulfillment_node_id') ?? undefined }),
      });
    case 'PUT stock':
    case 'POST stock': {
      const body = validate(StockBody, await readJson(req));
      const stock = core.state.stock;
      const rec = stock.record(body.product_id, body.fulfillment_node_id);
      if (body.store_id !== undefined || !stock.nodes.has(body.fulfillment_node_id)) {
        stock.nodes.set(body.fulfillment_node_id, { fulfillment_node_id: body.fulfillment_node_id, store_id: body.store_id ?? null });
      }
      if (body.on_hand !== undefined) rec.on_hand = body.on_hand;
      if (body.reservations !== undefined) rec.reservations = body.reservations;
      if (body.safety_stock !== undefined) rec.safety_stock = body.safety_stock;
      if (body.allocations) {
        rec.allocations = [];
        for (const a of body.allocations) stock.addAllocation(body.product_id, body.fulfillment_node_id, a);
      }
      core.state.touch();
      return sendJson(res, 200, { stock: stock.view({ product_id: body.product_id, fulfillment_node_id: body.fulfillment_node_id }) });
    }
    case 'POST seed':
      return sendJson(res, 200, seed(core, validate(SeedBody, await readJson(req))));
    case 'POST flush':
      if (core.persister) await core.persister.flush();
      return sendJson(res, 200, { state_path: core.options.statePath, flushed: Boolean(core.persister) });
    default:
      break;
  }
  throw problem(404, `no such admin endpoint: ${method} ${path} (see src/sandbox/README.md)`);
}

function info(core: SandboxCore): Record<string, unknown> {
  const st = core.state;
  return {
    tenant: core.options.tenant,
    client_id: core.options.clientId,
    scenario: core.options.scenario,
    time_scale: core.options.timeScale,
    token_ttl_seconds: core.options.tokenTtlSeconds,
    rejected_limit: core.options.rejectedLimit,
    duplicate_probability: core.options.duplicateProbability,
    state_path: core.options.statePath,
    s3_dir: core.options.s3Dir,
    receiver: receiverInfo(core),
    faults: core.faults,
    scenarios: Object.keys(SCENARIOS),
    memory: process.memoryUsage(),
    counts: {
      integrations: st.integrations.size,
      events: st.events.length,
      next_seq: st.nextSeq,
      logs: [...st.logs.values()].reduce((n, l) => n + l.length, 0),
      rejected_events: [...st.rejected.values()].reduce((n, l) => n + l.length, 0),
      imports: st.imports.size,
    },
  };
}

function receiverInfo(core: SandboxCore): Record<string, unknown> {
  const r = core.receiver;
  return r ? { url: r.url, rule: r.rule, deliveries: r.log.length } : { url: null, rule: null, deliveries: 0 };
}

function requireReceiver(core: SandboxCore): NonNullable<SandboxCore['receiver']> {
  if (!core.receiver) throw problem(409, 'the built-in receiver is not running in this sandbox');
  return core.receiver;
}

async function files(core: SandboxCore, req: IncomingMessage, res: ServerResponse, method: string, name: string): Promise<void> {
  if (!name || name.includes('/') || name.startsWith('.')) throw problem(400, `name: "${name}" is not a valid file name`);
  if (method === 'PUT') {
    const data = await readBody(req, LIMITS.maxImportBytes + 1024 * 1024);
    core.state.blobs.set(name, data);
    if (core.persister) await core.persister.saveBlob(name, data);
    const url = `http://${req.headers.host ?? '127.0.0.1'}${BLOB_PATH_PREFIX}${encodeURIComponent(name)}`;
    return sendJson(res, 201, { name, size: data.length, url });
  }
  if (method === 'GET' || method === 'HEAD') {
    const data = core.state.blobs.get(name);
    if (!data) throw problem(404, `no file "${name}" in the sandbox blob store`);
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': data.length });
    res.end(method === 'HEAD' ? undefined : data);
    return;
  }
  throw problem(405, 'PUT or GET /_sandbox/files/{name}', { allow: 'PUT, GET, HEAD' });
}

/**
 * Bulk data for benchmarks, built cheaply: N log entries and N rejected events for one integration (created,
 * stopped, pointing at the built-in receiver, when it does not exist).
 */
function seed(core: SandboxCore, body: z.output<typeof SeedBody>): Record<string, unknown> {
  const st = core.state;
  let rec = st.integrations.get(body.integration_id);
  if (!rec) {
    if (st.integrations.size >= LIMITS.maxIntegrations) throw problem(409, `at most ${LIMITS.maxIntegrations} integrations may exist`);
    rec = {
      id: body.integration_id,
      status: 'stopped',
      integration_type: 'permanent',
      callback_parameters: { callback_url: `${core.receiver?.url ?? 'http://127.0.0.1:4546'}/seed`, api_key: 'seed-key' },
      created_at: isoNow(),
      internal: { cursor: st.nextSeq, resume_seq: null, rejected_limit: null, builtin_receiver: Boolean(core.receiver), stop_reason: 'user' },
    } satisfies IntegrationRecord;
    st.integrations.set(rec.id, rec);
  }
  if (body.rejected_limit !== undefined) rec.internal.rejected_limit = body.rejected_limit;
  const now = Date.now();
  let logs = st.logs.get(rec.id);
  if (!logs) st.logs.set(rec.id, (logs = []));
  const levels = ['info', 'warning', 'error'] as const;
  // A log only grows forward in time: seeded entries are a second apart and end now, but never older than
  // the newest entry already there (then they share the time between it and now), as a real log's would.
  const newest = logs.length > 0 ? Date.parse(logs[logs.length - 1]!.created_at) : Number.NEGATIVE_INFINITY;
  const step = now - body.logs * 1000 > newest ? 1000 : (now - newest) / (body.logs + 1);
  for (let i = 0; i < body.logs; i++) {
    const level = levels[i % 3]!;
    logs.push({
      id: `log-${String(++st.logCounter).padStart(8, '0')}`,
      created_at: new Date(Math.round(now - (body.logs - i) * step)).toISOString(),
      level,
      message: level === 'info' ? 'seeded log entry' : `event order.created rejected by the receiver (HTTP 400) [seed ${i}]`,
      ...(level === 'info' ? {} : { event_name: 'order.created', status_code: 400 }),
    });
  }
  const already = st.countRejected(rec.id);
  const generator = new EventGenerator({ random: seededRandom(already + 7), nextLogicalTimestamp: () => st.nextLogicalTimestamp(), unknownProductRate: 1 });
  const tenant = st.tenant;
  for (let i = 0; i < body.rejected; i++) {
    const draft = generator.byName(i % 2 === 0 ? 'order.created' : 'order.opened', { unknownProduct: true });
    const at = new Date(now - (body.rejected - i) * 1000).toISOString();
    const items = (draft.payload.items as { product_id: string }[] | undefined) ?? [];
    const productId = items[items.length - 1]?.product_id ?? '';
    const n = already + i + 1;
    st.addRejected(rec.id, {
      id: `seed-${rec.id}-${n}`,
      rejected_at: at,
      attempts: 1,
      event: { tenant, name: draft.name, published_at: at, idempotency_key: `seed-${n}`, payload: draft.payload },
      response: { status_code: 400, body: { error: 'unknown_product', message: `product ${productId} is not in the ERP catalogue`, product_id: productId } },
    });
  }
  seedPublished(core, rec, body);
  st.touch();
  return {
    integration: publicIntegration(rec),
    rejected_limit: rec.internal.rejected_limit ?? core.options.rejectedLimit,
    logs: logs.length,
    rejected_events: st.countRejected(rec.id),
    published: st.published.length,
  };
}

const SEED_EVENT_NAMES = ['order.created', 'order.opened', 'fulfillment_request.assigned', 'payment_account.amount_authorized', 'order.completed'] as const;

/**
 * Published attempts for benchmarks, built without the delivery engine: `published` of them, the last one
 * a millisecond before now, evenly apart over the span; every round(1/rate)-th one a failure (503 with a
 * body, the next attempt of that event one retry fewer). Response times from a seeded generator.
 */
function seedPublished(core: SandboxCore, rec: IntegrationRecord, body: z.output<typeof SeedBody>): void {
  const n = body.published;
  if (n === 0) return;
  const st = core.state;
  const random = seededRandom(st.published.length + 11);
  const end = Date.now() - 1;
  const step = body.published_span_ms / n;
  const failEvery = body.published_failure_rate > 0 ? Math.max(1, Math.round(1 / body.published_failure_rate)) : 0;
  const start = st.publishedCounter;
  const made: PublishedAttempt[] = [];
  for (let i = 0; i < n; i++) {
    const at = Math.round(end - (n - 1 - i) * step);
    const failed = failEvery > 0 && (start + i + 1) % failEvery === 0;
    const name = SEED_EVENT_NAMES[i % SEED_EVENT_NAMES.length]!;
    const k = start + i + 1;
    made.push({
      at,
      seq: ++st.publishedCounter,
      integration_id: rec.id,
      integration_type: rec.integration_type,
      target: rec.s3_parameters ? 's3' : 'webhook',
      status: failed ? 'failure' : 'success',
      attempted_at: new Date(at).toISOString(),
      retries_remaining: LIMITS.deliveryAttempts - 1,
      entity_id: `seed-evt-${String(k).padStart(8, '0')}`,
      domain_entity_id: `${name.startsWith('order.') ? 'ord' : name.startsWith('fulfillment') ? 'fr' : 'pa'}-${100000 + (k % 50_000)}`,
      domain_entity_type: name.slice(0, name.indexOf('.')),
      event_name: name,
      response_time_ms: Math.round(20 + random() * random() * 900),
      ...(failed ? { response: { status_code: 503, body: `upstream ERP unavailable [seed ${k}]` } } : {}),
    });
  }
  const sorted = st.published.length === 0 || st.published[st.published.length - 1]!.at <= made[0]!.at;
  for (const attempt of made) st.published.push(attempt);
  if (!sorted) st.published.sort((a, b) => a.at - b.at || a.seq - b.seq);
  if (st.published.length > PUBLISHED_KEEP) st.published.splice(0, st.published.length - PUBLISHED_KEEP);
}
