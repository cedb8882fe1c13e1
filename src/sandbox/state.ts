// The sandbox's in-memory state and its JSON form on disk. Everything NewStore would keep (integrations,
// their logs and rejected events, the published events, import jobs, stock) lives here; the HTTP handlers
// and the delivery engine mutate it and call touch() so that the persister schedules a write.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LIMITS } from '../api/routes.js';
import type { EventDraft, SandboxEvent } from './events.js';
import { StockModel } from './stock.js';
import { readJsonFile } from '../config/secure-files.js';
import { writeFileAtomic } from './persist.js';
import { isoNow, randomId } from './util.js';

export const STATE_VERSION = 1;

export type StopReason = 'user' | 'rejected_limit' | 'delivery_failures' | 'window_end';

export interface CallbackParams {
  callback_url: string;
  api_key?: string | undefined;
}
export interface S3Params {
  aws_access_key_id: string;
  aws_secret_access_key: string;
  aws_region: string;
  bucket: string;
  key_prefix?: string | undefined;
}
export interface Filter {
  entities?: string[] | undefined;
  events?: string[] | undefined;
}

/** What the delivery engine needs to remember about an integration; never part of an API answer. */
export interface IntegrationInternals {
  /** Seq of the next published event to consider. */
  cursor: number;
  /** The event whose delivery stopped the integration; delivered first on _start. */
  resume_seq: number | null;
  /** Per-integration override of the rejected-events limit (admin API). */
  rejected_limit: number | null;
  /** The callback points at the built-in demo receiver: its origin follows the receiver's port. */
  builtin_receiver: boolean;
  stop_reason: StopReason | null;
}

export interface IntegrationRecord {
  id: string;
  status: 'running' | 'stopped';
  integration_type: 'permanent' | 'temporary';
  starts_at?: string | undefined;
  ends_at?: string | undefined;
  callback_parameters?: CallbackParams | undefined;
  s3_parameters?: S3Params | undefined;
  filter_conditions?: Filter | undefined;
  created_at: string;
  internal: IntegrationInternals;
}

export interface LogRecord {
  id: string;
  created_at: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  event_name?: string | undefined;
  status_code?: number | undefined;
}

export interface WebhookBodyRecord {
  tenant: string;
  name: string;
  published_at: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

export interface ReceiverAnswer {
  status_code: number | null;
  body: unknown;
}

export interface RejectedRecord {
  id: string;
  rejected_at: string;
  attempts: number;
  event: WebhookBodyRecord;
  response: ReceiverAnswer;
}

export interface ImportRecord {
  import_id: string;
  entities: string[];
  provider: string;
  name: string;
  source_uri: string;
  transformed_uri: string | null;
  revision: number | null;
  received_at: string;
  completed_at: string | null;
  state: 'received' | 'waiting' | 'processing' | 'finished' | 'failed';
  reason: string | null;
  full: boolean;
  errors: { item: unknown; message: string }[];
}

/**
 * One delivery attempt as NewStore's observability API shows it [contract §2, doc field names], plus
 * what the sandbox keeps for itself (`at`: attempted_at in epoch ms, the sort and window key; `seq`:
 * the order of recording, a tie-break). The public form is publicAttempt's.
 */
export interface PublishedAttempt {
  at: number;
  seq: number;
  integration_id: string;
  integration_type: 'permanent' | 'temporary';
  target: 'webhook' | 's3';
  status: 'success' | 'failure';
  attempted_at: string;
  retries_remaining: number;
  /** The published event's id (the same on every attempt of that event). */
  entity_id: string;
  domain_entity_id: string | null;
  domain_entity_type: string;
  event_name: string;
  response_time_ms: number;
  /** On failures: what the receiver answered (status_code null: no answer; body: its text or the network error). */
  response?: { status_code: number | null; body: unknown } | undefined;
}

/** What an attempt is, as the delivery engine (or the admin seed) reports it. */
export interface AttemptDraft {
  integration_id: string;
  integration_type: PublishedAttempt['integration_type'];
  target: PublishedAttempt['target'];
  ok: boolean;
  /** When the attempt started (epoch ms); it is recorded when it ends. */
  startedAt: number;
  responseTimeMs: number;
  retriesRemaining: number;
  entityId: string;
  eventName: string;
  domainEntityId: string | null;
  response?: { status_code: number | null; body: unknown } | undefined;
}

/** The documented shape of an attempt [contract §2; reference/samples/published-events.json]. */
export function publicAttempt(p: PublishedAttempt): Record<string, unknown> {
  const out: Record<string, unknown> = {
    integration_id: p.integration_id,
    integration_type: p.integration_type,
    target: p.target,
    status: p.status.toUpperCase(), // [doc] upper case in answers, although the filter is sent lower case
    attempted_at: p.attempted_at,
    retries_remaining: p.retries_remaining,
    entity_id: p.entity_id,
    domain_entity_id: p.domain_entity_id,
    domain_entity_type: p.domain_entity_type,
    event_name: p.event_name,
    response_time_ms: p.response_time_ms,
  };
  if (p.status === 'failure' && p.response) {
    out.response = p.response.status_code === null ? { body: p.response.body } : { status_code: p.response.status_code, body: p.response.body };
  }
  return out;
}

/** Public form of an integration (what the API answers): everything but the engine's internals. */
export function publicIntegration(rec: IntegrationRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: rec.id, status: rec.status, integration_type: rec.integration_type };
  if (rec.starts_at) out.starts_at = rec.starts_at;
  if (rec.ends_at) out.ends_at = rec.ends_at;
  if (rec.callback_parameters) out.callback_parameters = rec.callback_parameters;
  if (rec.s3_parameters) out.s3_parameters = rec.s3_parameters;
  if (rec.filter_conditions) out.filter_conditions = rec.filter_conditions;
  out.created_at = rec.created_at;
  return out;
}

export function publicImport(rec: ImportRecord): Record<string, unknown> {
  const { errors: _errors, ...job } = rec;
  return job;
}

/** Attempts kept (the oldest go first): enough for a day at more than one a second (bench/events.mjs reads 100,000). */
export const PUBLISHED_KEEP = 250_000;

export class SandboxState {
  integrations = new Map<string, IntegrationRecord>();
  logs = new Map<string, LogRecord[]>(); // oldest first; answered newest first
  rejected = new Map<string, RejectedRecord[]>(); // oldest first
  events: SandboxEvent[] = []; // events[i].seq === eventsBase + i
  eventsBase = 1;
  imports = new Map<string, ImportRecord>();
  blobs = new Map<string, Buffer>();
  stock = new StockModel();
  /** Every delivery attempt, sorted by attempted_at (recordAttempt). */
  published: PublishedAttempt[] = [];
  publishedCounter = 0;
  logicalTimestamp = 0;
  logCounter = 0;
  tokenSecret = randomBytes(32).toString('hex');
  /** Per-rejected-record JSON, so that listing 10,000 of them does not re-serialise payloads. */
  private readonly rejectedJson = new WeakMap<RejectedRecord, string>();
  /** Called after every mutation (the persister debounces). */
  onChange: () => void = () => undefined;

  constructor(readonly tenant: string, readonly maxEvents = 100_000) {}

  touch(): void {
    this.onChange();
  }

  get nextSeq(): number {
    return this.eventsBase + this.events.length;
  }

  eventAt(seq: number): SandboxEvent | undefined {
    return this.events[seq - this.eventsBase];
  }

  /** The first seq whose event was published at or after `iso` (nextSeq when none). */
  firstSeqAtOrAfter(iso: string): number {
    const t = Date.parse(iso);
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Date.parse(this.events[mid]!.published_at) < t) lo = mid + 1;
      else hi = mid;
    }
    return this.eventsBase + lo;
  }

  nextLogicalTimestamp(): number {
    this.logicalTimestamp += 1;
    return this.logicalTimestamp;
  }

  appendEvent(draft: EventDraft, publishedAt: string = isoNow()): SandboxEvent {
    const seq = this.nextSeq;
    const event: SandboxEvent = {
      seq,
      id: `evt-${String(seq).padStart(8, '0')}`,
      name: draft.name,
      published_at: publishedAt,
      idempotency_key: randomId('', 12),
      payload: draft.payload,
    };
    this.events.push(event);
    const lt = draft.payload.logical_timestamp;
    if (typeof lt === 'number' && lt > this.logicalTimestamp) this.logicalTimestamp = lt;
    if (this.events.length > this.maxEvents) this.pruneEvents();
    return event;
  }

  /** Drops the oldest events beyond maxEvents; an integration whose cursor pointed there skips them. */
  private pruneEvents(): void {
    const drop = this.events.length - this.maxEvents;
    this.events.splice(0, drop);
    this.eventsBase += drop;
  }

  webhookBody(event: SandboxEvent): WebhookBodyRecord {
    return { tenant: this.tenant, name: event.name, published_at: event.published_at, idempotency_key: event.idempotency_key, payload: event.payload };
  }

  addLog(integrationId: string, level: LogRecord['level'], message: string, extra: { event_name?: string | undefined; status_code?: number | undefined; at?: string } = {}): LogRecord {
    const entry: LogRecord = { id: `log-${String(++this.logCounter).padStart(8, '0')}`, created_at: extra.at ?? isoNow(), level, message };
    if (extra.event_name !== undefined) entry.event_name = extra.event_name;
    if (extra.status_code !== undefined) entry.status_code = extra.status_code;
    let list = this.logs.get(integrationId);
    if (!list) this.logs.set(integrationId, (list = []));
    list.push(entry);
    this.touch();
    return entry;
  }

  rejectedOf(integrationId: string): RejectedRecord[] {
    let list = this.rejected.get(integrationId);
    if (!list) this.rejected.set(integrationId, (list = []));
    return list;
  }

  /** id -> record per integration, built on first use; kept in step by addRejected/removeRejected. */
  private readonly rejectedIndex = new Map<string, Map<string, RejectedRecord>>();

  private indexOf(integrationId: string): Map<string, RejectedRecord> {
    let index = this.rejectedIndex.get(integrationId);
    if (!index) {
      index = new Map(this.rejectedOf(integrationId).map((r) => [r.id, r]));
      this.rejectedIndex.set(integrationId, index);
    }
    return index;
  }

  findRejected(integrationId: string, id: string): RejectedRecord | undefined {
    return this.indexOf(integrationId).get(id);
  }

  countRejected(integrationId: string): number {
    return this.rejected.get(integrationId)?.length ?? 0;
  }

  addRejected(integrationId: string, rec: RejectedRecord): void {
    this.rejectedOf(integrationId).push(rec);
    this.rejectedIndex.get(integrationId)?.set(rec.id, rec);
    this.touch();
  }

  removeRejected(integrationId: string, rec: RejectedRecord): boolean {
    const list = this.rejected.get(integrationId);
    const at = list ? list.indexOf(rec) : -1;
    if (!list || at < 0) return false;
    list.splice(at, 1);
    this.rejectedIndex.get(integrationId)?.delete(rec.id);
    this.touch();
    return true;
  }

  /** The webhook body of a rejected event as JSON (not cached: 10,000 cached copies cost more memory than the time they save). */
  rejectedEventJson(rec: RejectedRecord): string {
    return JSON.stringify(rec.event);
  }

  rejectedLimit(rec: IntegrationRecord, fallback: number): number {
    return rec.internal.rejected_limit ?? fallback;
  }

  rejectedToJson(rec: RejectedRecord): string {
    let json = this.rejectedJson.get(rec);
    if (json === undefined) {
      json = JSON.stringify(rec);
      this.rejectedJson.set(rec, json);
    }
    return json;
  }

  invalidateRejected(rec: RejectedRecord): void {
    this.rejectedJson.delete(rec);
  }

  /**
   * Records one delivery attempt. `published` stays sorted by attempted_at (an attempt is recorded when
   * it ends, so a slow one lands before faster ones that started after it), so that a window is found by
   * binary search.
   */
  recordAttempt(draft: AttemptDraft): PublishedAttempt {
    const attempt: PublishedAttempt = {
      at: draft.startedAt,
      seq: ++this.publishedCounter,
      integration_id: draft.integration_id,
      integration_type: draft.integration_type,
      target: draft.target,
      status: draft.ok ? 'success' : 'failure',
      attempted_at: new Date(draft.startedAt).toISOString(),
      retries_remaining: draft.retriesRemaining,
      entity_id: draft.entityId,
      domain_entity_id: draft.domainEntityId,
      domain_entity_type: draft.eventName.slice(0, Math.max(0, draft.eventName.indexOf('.'))) || draft.eventName,
      event_name: draft.eventName,
      response_time_ms: Math.max(0, Math.round(draft.responseTimeMs)),
      ...(draft.ok ? {} : { response: draft.response ?? { status_code: null, body: null } }),
    };
    const list = this.published;
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > attempt.at) i--; // almost always at the end: a short walk back
    if (i === list.length) list.push(attempt);
    else list.splice(i, 0, attempt);
    if (list.length > PUBLISHED_KEEP + 10_000) list.splice(0, list.length - PUBLISHED_KEEP);
    this.touch();
    return attempt;
  }

  /** Index of the first attempt at or after `ms` in `published` (its length when none). */
  firstAttemptAtOrAfter(ms: number): number {
    const list = this.published;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.at < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  deleteIntegration(id: string): void {
    this.integrations.delete(id);
    this.logs.delete(id);
    this.rejected.delete(id);
    this.rejectedIndex.delete(id);
    this.touch();
  }

  clear(): void {
    this.integrations.clear();
    this.logs.clear();
    this.rejected.clear();
    this.rejectedIndex.clear();
    this.events = [];
    this.eventsBase = 1;
    this.imports.clear();
    this.blobs.clear();
    this.stock.clear();
    this.published = [];
    this.publishedCounter = 0;
    this.logicalTimestamp = 0;
    this.logCounter = 0;
    this.touch();
  }

  serialize(): string {
    return JSON.stringify({
      version: STATE_VERSION,
      saved_at: isoNow(),
      tenant: this.tenant,
      token_secret: this.tokenSecret,
      logical_timestamp: this.logicalTimestamp,
      log_counter: this.logCounter,
      events_base: this.eventsBase,
      integrations: [...this.integrations.values()],
      logs: Object.fromEntries(this.logs),
      rejected: Object.fromEntries(this.rejected),
      events: this.events,
      imports: [...this.imports.values()],
      stock: this.stock.toJSON(),
      published: this.published,
    });
  }

  load(data: SerializedState): void {
    if (data.version !== STATE_VERSION) throw new Error(`sandbox state version ${String(data.version)} is not supported (expected ${STATE_VERSION}); start with --reset`);
    this.tokenSecret = data.token_secret ?? this.tokenSecret;
    this.logicalTimestamp = data.logical_timestamp ?? 0;
    this.logCounter = data.log_counter ?? 0;
    this.eventsBase = data.events_base ?? 1;
    this.integrations = new Map((data.integrations ?? []).map((i) => [i.id, i]));
    this.logs = new Map(Object.entries(data.logs ?? {}));
    this.rejected = new Map(Object.entries(data.rejected ?? {}));
    this.rejectedIndex.clear();
    this.events = data.events ?? [];
    this.imports = new Map((data.imports ?? []).map((j) => [j.import_id, j]));
    this.stock.load(data.stock);
    // A state file of an older sandbox holds attempts of another shape: they are dropped, not misread.
    this.published = (data.published ?? []).filter((p) => typeof p.at === 'number' && typeof p.entity_id === 'string').sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.publishedCounter = this.published.reduce((n, p) => Math.max(n, p.seq), 0);
  }
}

export interface SerializedState {
  version: number;
  token_secret?: string;
  logical_timestamp?: number;
  log_counter?: number;
  events_base?: number;
  integrations?: IntegrationRecord[];
  logs?: Record<string, LogRecord[]>;
  rejected?: Record<string, RejectedRecord[]>;
  events?: SandboxEvent[];
  imports?: ImportRecord[];
  stock?: Parameters<StockModel['load']>[0];
  published?: PublishedAttempt[];
}

/**
 * Writes the state to disk after changes, debounced: one write at a time, the next one no sooner than
 * `minDelayMs` (or five times the last write's duration, so a big state never hogs the event loop).
 * Blobs (uploaded import zips) live in a folder beside the state file, one file each.
 */
export class StatePersister {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private lastDurationMs = 0;
  lastError: Error | null = null;

  constructor(
    private readonly state: SandboxState,
    readonly path: string,
    private readonly minDelayMs = 100,
    private readonly report: (line: string) => void = () => undefined,
  ) {}

  get blobDir(): string {
    return `${this.path}.files`;
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(this.minDelayMs, this.lastDurationMs * 5));
    this.timer.unref();
  }

  /** Forgets unsaved changes: no write is pending afterwards. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
  }

  /** Writes now if anything changed (waits for a write in progress first). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const started = performance.now();
    this.writing = writeFileAtomic(this.path, this.state.serialize())
      .then(() => {
        this.lastError = null;
      })
      .catch((err: unknown) => {
        this.lastError = err as Error;
        this.dirty = true;
        this.report(`sandbox: could not write state to ${this.path}: ${(err as Error).message}`);
      })
      .finally(() => {
        this.lastDurationMs = performance.now() - started;
        this.writing = null;
      });
    await this.writing;
    if (this.dirty && !this.timer) this.schedule();
  }

  async saveBlob(name: string, data: Buffer): Promise<void> {
    await writeFileAtomic(join(this.blobDir, encodeURIComponent(name)), data);
  }

  async clearBlobs(): Promise<void> {
    await rm(this.blobDir, { recursive: true, force: true });
  }

  /** Loads the state file and the blobs; false when there is no state file yet. */
  async load(): Promise<boolean> {
    const data = readJsonFile<SerializedState>(this.path, { followLinks: true });
    if (data === undefined) return false;
    this.state.load(data);
    await mkdir(this.blobDir, { recursive: true });
    for (const file of await readdir(this.blobDir)) {
      if (file.startsWith('.')) continue; // temp files of an interrupted write
      this.state.blobs.set(decodeURIComponent(file), await readFile(join(this.blobDir, file)));
    }
    return true;
  }
}

export const DEFAULT_REJECTED_LIMIT = LIMITS.sandboxRejectedLimit;
