// Handlers of the NewStore API the sandbox serves: event stream configuration [contract §2], published
// events, imports [§4]. Routing, auth and faults are in server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IMPORT_STATE_FILTER_PARAM, LIMITS, STATUS, type RouteName } from '../api/routes.js';
import { CreateImportRequest, ENVELOPE, FailImportRequest, IMPORT_STATES, RegisterRequest, StartImportRequest, UpdateIntegrationRequest } from '../api/schemas.js';
import type { SandboxCore } from './core.js';
import { problem, readJson, sendEmpty, sendJson, validate, parsePage } from './http.js';
import { LOG_MESSAGES } from './messages.js';
import { publicAttempt, publicImport, publicIntegration, type ImportRecord, type IntegrationRecord } from './state.js';
import { isoNow, randomId } from './util.js';

export interface ApiCall {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  core: SandboxCore;
}

export type ApiHandler = (call: ApiCall) => Promise<void> | void;

function integrationOr404(core: SandboxCore, id: string | undefined): IntegrationRecord {
  const rec = id === undefined ? undefined : core.state.integrations.get(id);
  if (!rec) throw problem(404, `integration ${id} not found`);
  return rec;
}

function importOr404(core: SandboxCore, id: string | undefined): ImportRecord {
  const job = id === undefined ? undefined : core.state.imports.get(id);
  if (!job) throw problem(404, `import job ${id} not found`);
  return job;
}

function paginationJson(offset: number, count: number, total: number): string {
  return `"${ENVELOPE.pagination}":{"offset":${offset},"count":${count},"total":${total}}`;
}

const registerIntegration: ApiHandler = async ({ req, res, core }) => {
  const body = validate(RegisterRequest, await readJson(req));
  const st = core.state;
  if (st.integrations.has(body.id)) throw problem(STATUS.duplicateOrLimit, `an integration with id ${body.id} already exists`);
  if (st.integrations.size >= LIMITS.maxIntegrations) {
    throw problem(STATUS.duplicateOrLimit, `at most ${LIMITS.maxIntegrations} integrations may exist, stopped and temporary ones included; delete one first`);
  }
  const type = body.integration_type ?? (body.ends_at ? 'temporary' : 'permanent');
  if (type === 'temporary' && (!body.starts_at || !body.ends_at)) throw problem(400, 'ends_at: a temporary integration needs starts_at and ends_at');
  if (type === 'permanent' && body.ends_at) throw problem(400, 'integration_type: an integration with ends_at is temporary');
  if (body.starts_at && body.ends_at && Date.parse(body.ends_at) <= Date.parse(body.starts_at)) throw problem(400, 'ends_at: must be after starts_at');
  const rec: IntegrationRecord = {
    id: body.id,
    status: 'running',
    integration_type: type,
    starts_at: body.starts_at,
    ends_at: body.ends_at,
    callback_parameters: body.callback_parameters,
    s3_parameters: body.s3_parameters,
    filter_conditions: body.filter_conditions,
    created_at: isoNow(),
    internal: {
      cursor: body.starts_at ? st.firstSeqAtOrAfter(body.starts_at) : st.nextSeq,
      resume_seq: null,
      rejected_limit: null,
      builtin_receiver: body.callback_parameters ? core.isBuiltinReceiverUrl(body.callback_parameters.callback_url) : false,
      stop_reason: null,
    },
  };
  st.integrations.set(rec.id, rec);
  st.addLog(rec.id, 'info', type === 'temporary' ? LOG_MESSAGES.registeredTemporary(body.starts_at!, body.ends_at!) : LOG_MESSAGES.registered());
  core.engine.ensureWorker(rec.id);
  sendJson(res, 201, publicIntegration(rec));
};

// NewStore's documented list answer shows a webhook integration with only its api_key in
// callback_parameters (reference/samples/integrations-list.json): the list here leaves callback_url out
// of every webhook integration, so that nsx is exercised against that shape; `get` shows it whole.
const listIntegrations: ApiHandler = ({ res, core }) => {
  const list = [...core.state.integrations.values()].map((rec) => {
    const out = publicIntegration(rec);
    if (rec.callback_parameters) {
      const { callback_url: _url, ...rest } = rec.callback_parameters;
      out.callback_parameters = rest;
    }
    return out;
  });
  sendJson(res, 200, { [ENVELOPE.integrations]: list });
};

const getIntegration: ApiHandler = ({ res, params, core }) => {
  sendJson(res, 200, publicIntegration(integrationOr404(core, params.id)));
};

/** PATCH: the given fields change (callback_parameters merged field by field, filter_conditions replaced). */
const updateIntegration: ApiHandler = async ({ req, res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  const body = validate(UpdateIntegrationRequest, await readJson(req));
  const changed: string[] = [];
  if (body.callback_parameters) {
    if (!rec.callback_parameters) throw problem(400, `callback_parameters: integration ${rec.id} is an S3 export, not a webhook`);
    const { callback_url, api_key } = body.callback_parameters;
    const next = { ...rec.callback_parameters };
    if (callback_url !== undefined) {
      next.callback_url = callback_url;
      rec.internal.builtin_receiver = core.isBuiltinReceiverUrl(callback_url);
      changed.push('callback_url');
    }
    if (api_key !== undefined) {
      next.api_key = api_key;
      changed.push('api_key');
    }
    rec.callback_parameters = next; // the next delivery uses it
  }
  if (body.filter_conditions) {
    rec.filter_conditions = body.filter_conditions;
    changed.push('filter_conditions');
  }
  core.state.addLog(rec.id, 'info', LOG_MESSAGES.updated(changed));
  sendJson(res, 200, publicIntegration(rec));
};

const startIntegration: ApiHandler = ({ res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  if (rec.status !== 'running') {
    rec.status = 'running';
    rec.internal.stop_reason = null;
    const resume = rec.internal.resume_seq ?? rec.internal.cursor;
    const ev = core.state.eventAt(resume);
    core.state.addLog(rec.id, 'info', LOG_MESSAGES.startedByUser(ev ? `${ev.name} ${ev.id}` : null), ev ? { event_name: ev.name } : {});
    core.engine.ensureWorker(rec.id);
  }
  sendJson(res, 200, '{}');
};

const stopIntegration: ApiHandler = ({ res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  if (rec.status !== 'stopped') {
    rec.status = 'stopped';
    rec.internal.stop_reason = 'user';
    core.state.addLog(rec.id, 'info', LOG_MESSAGES.stoppedByUser());
    void core.engine.stopWorker(rec.id); // an in-flight delivery completes in the background
  }
  sendJson(res, 200, '{}');
};

const deleteIntegration: ApiHandler = ({ res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  void core.engine.stopWorker(rec.id);
  core.state.deleteIntegration(rec.id);
  sendEmpty(res, 204);
};

const listLogs: ApiHandler = ({ res, params, query, core }) => {
  const rec = integrationOr404(core, params.id);
  const { offset, count } = parsePage(query);
  const list = core.state.logs.get(rec.id) ?? [];
  const total = list.length;
  const page = [];
  for (let i = total - 1 - offset; i >= 0 && page.length < count; i--) page.push(list[i]); // newest first
  sendJson(res, 200, `{"${ENVELOPE.logs}":${JSON.stringify(page)},${paginationJson(offset, count, total)}}`);
};

const listRejectedEvents: ApiHandler = ({ res, params, query, core }) => {
  const rec = integrationOr404(core, params.id);
  const { offset, count } = parsePage(query);
  const list = core.state.rejected.get(rec.id) ?? [];
  const parts: string[] = [];
  for (let i = offset; i < list.length && parts.length < count; i++) parts.push(core.state.rejectedToJson(list[i]!)); // oldest first
  sendJson(res, 200, `{"${ENVELOPE.rejectedEvents}":[${parts.join(',')}],${paginationJson(offset, count, list.length)}}`);
};

const retryRejectedEvent: ApiHandler = async ({ res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  const outcome = await core.engine.retryRejected(rec, params.event_id ?? '');
  if (!outcome) throw problem(404, `rejected event ${params.event_id} not found in integration ${rec.id}`);
  sendJson(res, 200, outcome);
};

const deleteRejectedEvent: ApiHandler = ({ res, params, core }) => {
  const rec = integrationOr404(core, params.id);
  const item = core.state.findRejected(rec.id, params.event_id ?? '');
  if (!item) throw problem(404, `rejected event ${params.event_id} not found in integration ${rec.id}`);
  core.state.removeRejected(rec.id, item);
  sendEmpty(res, 204);
};

/**
 * GET published-events [contract §2]: attempts with attempted_at in [from, to] (both inclusive; either may
 * be left out), filtered by the documented parameters, oldest first as the documented sample is ordered,
 * and at most LIMITS.publishedEventsAnswerCap of them (the oldest of the window): the API documents no
 * pagination, and the cap is what nsx's window splitting is tested against.
 */
const listPublishedEvents: ApiHandler = ({ res, query, core }) => {
  const from = query.get('from');
  const to = query.get('to');
  const fromMs = from ? Date.parse(from) : null;
  const toMs = to ? Date.parse(to) : null;
  if (from && Number.isNaN(fromMs)) throw problem(400, `from: not an ISO-8601 timestamp: "${from}"`);
  if (to && Number.isNaN(toMs)) throw problem(400, `to: not an ISO-8601 timestamp: "${to}"`);
  const status = query.get('status');
  if (status && status !== 'success' && status !== 'failure') throw problem(400, `status: must be success or failure, got "${status}"`);
  const filters = (
    [
      ['event_name', query.get('event_name')],
      ['integration_id', query.get('integration_id')],
      ['status', status],
      ['domain_entity_id', query.get('domain_entity_id')],
      ['domain_entity_type', query.get('domain_entity_type')],
    ] as const
  ).filter(([, v]) => v !== null);
  const list = core.state.published;
  const parts: string[] = [];
  const cap = LIMITS.publishedEventsAnswerCap;
  for (let i = fromMs === null ? 0 : core.state.firstAttemptAtOrAfter(fromMs); i < list.length && parts.length < cap; i++) {
    const p = list[i]!;
    if (toMs !== null && p.at > toMs) break;
    if (filters.every(([k, v]) => p[k] === v)) parts.push(JSON.stringify(publicAttempt(p)));
  }
  sendJson(res, 200, `[${parts.join(',')}]`);
};

const createImport: ApiHandler = async ({ req, res, core }) => {
  const body = validate(CreateImportRequest, await readJson(req));
  if (core.imports.openJobs() >= LIMITS.maxOpenImportJobs) {
    const wait = core.imports.retryAfterSeconds();
    throw problem(STATUS.tooManyOpenImports, `at most ${LIMITS.maxOpenImportJobs} open import jobs (received or waiting); retry later`, { 'retry-after': String(wait) });
  }
  const job: ImportRecord = {
    import_id: randomId('imp-', 10),
    entities: body.entities,
    provider: body.provider,
    name: body.name,
    source_uri: body.source_uri,
    transformed_uri: null,
    revision: body.revision ?? null,
    received_at: isoNow(),
    completed_at: null,
    state: 'received',
    reason: null,
    full: body.full,
    errors: [],
  };
  core.state.imports.set(job.import_id, job);
  core.state.touch();
  sendJson(res, 201, { id: job.import_id });
};

const startImport: ApiHandler = async ({ req, res, params, core }) => {
  const job = importOr404(core, params.import_id);
  const body = validate(StartImportRequest, await readJson(req));
  if (job.transformed_uri !== null || job.state !== 'received') throw problem(409, `import job ${job.import_id} was already started (state ${job.state})`);
  job.transformed_uri = body.transformed_uri;
  core.imports.enqueue(job);
  sendJson(res, 200, publicImport(job));
};

const getImport: ApiHandler = ({ res, params, core }) => {
  sendJson(res, 200, publicImport(importOr404(core, params.import_id)));
};

/** The job list, oldest first, filtered by `filter[state]`, in offset/count pages with pagination_info. */
const listImports: ApiHandler = ({ res, query, core }) => {
  const state = query.get(IMPORT_STATE_FILTER_PARAM);
  if (state !== null && !(IMPORT_STATES as readonly string[]).includes(state)) {
    throw problem(400, `${IMPORT_STATE_FILTER_PARAM}: must be one of ${IMPORT_STATES.join(', ')}, got "${state}"`);
  }
  const { offset, count } = parsePage(query);
  const all = [...core.state.imports.values()].filter((j) => state === null || j.state === state);
  all.sort((a, b) => a.received_at.localeCompare(b.received_at));
  const page = all.slice(offset, offset + count).map(publicImport);
  sendJson(res, 200, `{"items":${JSON.stringify(page)},${paginationJson(offset, count, all.length)}}`);
};

/**
 * set_fail: a received, waiting or processing job becomes failed with the reason (its place among the open
 * jobs is freed; a processing job applies no stock). Failing a failed job changes nothing (200, the first
 * reason kept); a finished job cannot be failed (409).
 */
const failImport: ApiHandler = async ({ req, res, params, core }) => {
  const job = importOr404(core, params.import_id);
  const body = validate(FailImportRequest, await readJson(req));
  if (job.state === 'finished') throw problem(409, `import job ${job.import_id} has finished; a finished job cannot be set to failed`);
  if (job.state !== 'failed') {
    job.state = 'failed';
    job.reason = body.reason;
    job.completed_at = isoNow();
    core.state.touch();
  }
  sendJson(res, 200, publicImport(job));
};

// (updated) [doc] items as NewStore's adapter code posts them: {reason, error_id, entity_type, entity_id},
// in a bare array as the documented sample shows (reference/samples/import-errors.json).
const listImportErrors: ApiHandler = ({ res, params, core }) => {
  const job = importOr404(core, params.import_id);
  sendJson(
    res,
    200,
    job.errors.map((e, i) => {
      const item = e.item && typeof e.item === 'object' ? (e.item as Record<string, unknown>) : undefined;
      const entityId = item && (typeof item.product_id === 'string' || typeof item.product_id === 'number') ? String(item.product_id) : undefined;
      return { reason: e.message, error_id: `e-${String(i + 1).padStart(4, '0')}`, entity_type: job.entities[0] ?? 'availabilities', ...(entityId ? { entity_id: entityId } : {}) };
    }),
  );
};

/** Handlers by ROUTES name; legacyPasswordToken is served by server.ts with the token endpoint. */
export const API_HANDLERS: Partial<Record<RouteName, ApiHandler>> = {
  listIntegrations,
  registerIntegration,
  getIntegration,
  updateIntegration,
  startIntegration,
  stopIntegration,
  deleteIntegration,
  listLogs,
  listRejectedEvents,
  retryRejectedEvent,
  deleteRejectedEvent,
  listPublishedEvents,
  createImport,
  startImport,
  getImport,
  listImportErrors,
  listImports,
  failImport,
};
