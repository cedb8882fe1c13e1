// The delivery engine: one worker per running integration, following contract §3 at the sandbox's time
// scale. Webhooks: filter_conditions, Bearer api_key, at-least-once with occasional duplicates and small
// reorderings; 2xx ok; 400 -> rejected event (the stream goes on; at the limit the integration stops);
// anything else -> the same event is retried 10 times with exponential back-off over ~20 minutes, then the
// integration stops and `_start` resumes from that event. Temporary integrations replay their window and
// stop. S3 integrations write NDJSON batches into a local folder standing in for the bucket.
import { join } from 'node:path';
import { LIMITS } from '../api/routes.js';
import type { SandboxEvent } from './events.js';
import { entityOf } from './events.js';
import type { IntegrationRecord, ReceiverAnswer, SandboxState, StopReason } from './state.js';
import { pause } from '../timers.js';
import { isoNow } from './util.js';
import { writeFileAtomic } from './persist.js';
import { LOG_MESSAGES } from './messages.js';
import type { DeliveryOutcome, WebhookClient } from './webhook.js';

export interface EngineConfig {
  timeScale: number;
  duplicateProbability: number;
  reorderProbability: number;
  /** Per-attempt timeout of a webhook delivery, in real milliseconds. */
  deliveryTimeoutMs: number;
  rejectedLimit: number;
  /** Folder standing in for S3: files land in <s3Dir>/<bucket>/<key_prefix>... */
  s3Dir: string;
  log: (line: string) => void;
}

export interface RetryOutcome {
  id: string;
  delivered: boolean;
  response?: ReceiverAnswer;
}

const WINDOW = 4; // events taken at a time; reorderings happen inside a window
const SCAN_LIMIT = 20_000; // events scanned per step, so a sparse filter never blocks the event loop
const S3_BATCH_MS = 5 * 60 * 1000; // NewStore's S3 batches [contract §5]

interface Worker {
  abort: AbortController;
  wake: () => void;
  done: Promise<void>;
}

type AttemptResult = 'delivered' | 'stop-here' | 'stop-after' | 'aborted';

/** Does an event pass an integration's filter_conditions [contract §2, assumed semantics]? */
export function passesFilter(rec: IntegrationRecord, name: string): boolean {
  const f = rec.filter_conditions;
  if (!f || ((!f.entities || f.entities.length === 0) && (!f.events || f.events.length === 0))) return true;
  if (f.events?.includes(name)) return true;
  return f.entities?.includes(entityOf(name)) ?? false;
}

export class DeliveryEngine {
  private readonly workers = new Map<string, Worker>();
  private closed = false;

  constructor(
    private readonly state: SandboxState,
    private readonly client: WebhookClient,
    readonly config: EngineConfig,
  ) {}

  /** Gap after failed attempt k (1-based): base * 2^(k-1); the 9 gaps sum to the ~20-minute window. */
  backoffMs(attempt: number): number {
    const gaps = LIMITS.deliveryAttempts - 1;
    const base = LIMITS.deliveryWindowMs / (2 ** gaps - 1);
    return (base * 2 ** (attempt - 1)) / this.config.timeScale;
  }

  /** Starts a worker for every running integration that has none (after a load, a reset, a _start). */
  sync(): void {
    if (this.closed) return;
    for (const rec of this.state.integrations.values()) {
      if (rec.status === 'running') this.ensureWorker(rec.id);
    }
  }

  /** New events were published: wake every worker. */
  notify(): void {
    for (const w of this.workers.values()) w.wake();
  }

  ensureWorker(id: string): void {
    if (this.closed) return;
    const existing = this.workers.get(id);
    if (existing && !existing.abort.signal.aborted) {
      existing.wake();
      return;
    }
    const abort = new AbortController();
    let wakeFn: () => void = () => undefined;
    let pendingWake = false;
    const worker: Worker = {
      abort,
      wake: () => {
        pendingWake = true;
        wakeFn();
      },
      done: Promise.resolve(),
    };
    const waitForWake = (ms?: number): Promise<void> =>
      new Promise((resolve) => {
        if (pendingWake || abort.signal.aborted) {
          pendingWake = false;
          return resolve();
        }
        const timer = ms === undefined ? null : setTimeout(done, Math.min(2 ** 31 - 1, Math.max(1, ms)));
        function done(): void {
          if (timer) clearTimeout(timer);
          abort.signal.removeEventListener('abort', done);
          wakeFn = () => undefined;
          pendingWake = false;
          resolve();
        }
        wakeFn = done;
        abort.signal.addEventListener('abort', done, { once: true });
      });
    // A previous worker of this id (stopped a moment ago) finishes its in-flight delivery first: never two at once.
    const previous = existing?.done ?? Promise.resolve();
    worker.done = previous
      .then(() => this.run(id, abort.signal, waitForWake))
      .catch((err: unknown) => this.config.log(`sandbox: delivery worker ${id} crashed: ${(err as Error).stack ?? String(err)}`))
      .finally(() => {
        if (this.workers.get(id) === worker) this.workers.delete(id);
      });
    this.workers.set(id, worker);
  }

  /** Stops the worker of an integration (user stop, delete); an in-flight delivery completes. */
  stopWorker(id: string): Promise<void> {
    const w = this.workers.get(id);
    if (!w) return Promise.resolve();
    w.abort.abort();
    return w.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.workers.values()];
    for (const w of all) w.abort.abort();
    await Promise.all(all.map((w) => w.done));
  }

  async stopAll(): Promise<void> {
    const all = [...this.workers.values()];
    for (const w of all) w.abort.abort();
    await Promise.all(all.map((w) => w.done));
  }

  private stopIntegration(rec: IntegrationRecord, reason: StopReason): void {
    rec.status = 'stopped';
    rec.internal.stop_reason = reason;
    this.state.touch();
  }

  /** Scans from the cursor: the next matching events (at most `limit`), where the scan ended, and whether a temporary integration's window is over. */
  private nextWindow(rec: IntegrationRecord, limit: number): { events: SandboxEvent[]; scanTo: number; windowOver: boolean; waitMs?: number } {
    const st = this.state;
    if (rec.internal.cursor < st.eventsBase) rec.internal.cursor = st.eventsBase; // events pruned meanwhile
    const endsAt = rec.integration_type === 'temporary' && rec.ends_at ? Date.parse(rec.ends_at) : null;
    const events: SandboxEvent[] = [];
    let seq = rec.internal.cursor;
    const stopAt = Math.min(st.nextSeq, seq + SCAN_LIMIT);
    let windowOver = false;
    for (; seq < stopAt && events.length < limit; seq++) {
      const ev = st.eventAt(seq)!;
      if (endsAt !== null && Date.parse(ev.published_at) >= endsAt) {
        windowOver = true;
        break;
      }
      if (passesFilter(rec, ev.name)) events.push(ev);
    }
    if (endsAt !== null && !windowOver && seq >= st.nextSeq && Date.now() >= endsAt) windowOver = true;
    const result: { events: SandboxEvent[]; scanTo: number; windowOver: boolean; waitMs?: number } = { events, scanTo: seq, windowOver };
    if (endsAt !== null && !windowOver) result.waitMs = endsAt - Date.now();
    return result;
  }

  private async run(id: string, signal: AbortSignal, waitForWake: (ms?: number) => Promise<void>): Promise<void> {
    const rec = this.state.integrations.get(id);
    if (!rec || rec.status !== 'running') return;
    if (rec.s3_parameters) return this.runS3(rec, signal, waitForWake);
    while (!signal.aborted && rec.status === 'running' && this.state.integrations.get(id) === rec) {
      const win = this.nextWindow(rec, WINDOW);
      if (win.events.length === 0) {
        rec.internal.cursor = win.scanTo;
        if (win.windowOver) return this.finishWindow(rec);
        if (win.scanTo < this.state.nextSeq) continue; // more to scan
        await waitForWake(win.waitMs);
        continue;
      }
      const order = this.arrange(win.events, rec.internal.resume_seq);
      const undelivered = new Set(order.map((e) => e.seq));
      let stopped = false;
      for (const ev of order) {
        const result = await this.deliverWithRetries(rec, ev, signal);
        if (result === 'delivered' || result === 'stop-after') undelivered.delete(ev.seq);
        if (ev.seq === rec.internal.resume_seq && result !== 'aborted' && result !== 'stop-here') rec.internal.resume_seq = null;
        if (result !== 'delivered') {
          if (result === 'stop-here') rec.internal.resume_seq = ev.seq;
          stopped = true;
          break;
        }
        if (signal.aborted) {
          stopped = true;
          break;
        }
      }
      rec.internal.cursor = stopped && undelivered.size > 0 ? Math.min(...undelivered) : win.scanTo;
      this.state.touch();
      if (stopped) return;
    }
  }

  /** Small reorderings (delivery is unordered [contract §3]); the event that stopped delivery goes first. */
  private arrange(events: SandboxEvent[], resumeSeq: number | null): SandboxEvent[] {
    const order = [...events];
    const resumeAt = resumeSeq === null ? -1 : order.findIndex((e) => e.seq === resumeSeq);
    if (resumeAt >= 0) {
      const [first] = order.splice(resumeAt, 1);
      order.unshift(first!);
      return order;
    }
    if (order.length > 1 && Math.random() < this.config.reorderProbability) {
      const i = Math.floor(Math.random() * (order.length - 1));
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    }
    return order;
  }

  private finishWindow(rec: IntegrationRecord): void {
    this.stopIntegration(rec, 'window_end');
    this.state.addLog(rec.id, 'info', LOG_MESSAGES.windowFinished(rec.starts_at, rec.ends_at));
  }

  /**
   * One POST to the receiver, recorded as a published-events attempt [contract §2]: attempted_at is when
   * it started, response_time_ms how long it took, and a failure keeps what the receiver answered.
   */
  private async attempt(rec: IntegrationRecord, ev: { id: string; name: string; payload: Record<string, unknown> }, body: string, retriesRemaining: number): Promise<DeliveryOutcome> {
    const cb = rec.callback_parameters!;
    const startedAt = Date.now();
    const began = performance.now();
    const out = await this.client.post(cb.callback_url, cb.api_key, body, ev.id, this.config.deliveryTimeoutMs);
    const ok = out.status !== null && out.status >= 200 && out.status < 300;
    const entityId = ev.payload.id;
    this.state.recordAttempt({
      integration_id: rec.id,
      integration_type: rec.integration_type,
      target: 'webhook',
      ok,
      startedAt,
      responseTimeMs: performance.now() - began,
      retriesRemaining,
      entityId: ev.id,
      eventName: ev.name,
      domainEntityId: typeof entityId === 'string' || typeof entityId === 'number' ? String(entityId) : null,
      ...(ok ? {} : { response: { status_code: out.status, body: out.body } }),
    });
    return out;
  }

  private async deliverWithRetries(rec: IntegrationRecord, ev: SandboxEvent, signal: AbortSignal): Promise<AttemptResult> {
    const body = JSON.stringify(this.state.webhookBody(ev));
    for (let attempt = 1; attempt <= LIMITS.deliveryAttempts; attempt++) {
      // Attempt k of 10 leaves 10 - k retries; a duplicate (at-least-once) is an attempt too, with as many left.
      const retriesRemaining = LIMITS.deliveryAttempts - attempt;
      const out = await this.attempt(rec, ev, body, retriesRemaining);
      if (this.state.integrations.get(rec.id) !== rec) return 'aborted'; // deleted meanwhile
      const ok = out.status !== null && out.status >= 200 && out.status < 300;
      if (ok) {
        if (Math.random() < this.config.duplicateProbability) {
          // At-least-once: the same event (same idempotency_key) arrives a second time; its answer is ignored.
          await this.attempt(rec, ev, body, retriesRemaining);
        }
        return 'delivered';
      }
      if (out.status === 400) return this.reject(rec, ev, { status_code: 400, body: out.body });
      const what = out.status !== null ? `HTTP ${out.status}` : out.error ?? 'no answer';
      if (attempt === 1) {
        this.state.addLog(rec.id, 'warning', LOG_MESSAGES.firstFailure(ev.name, ev.id, what), { event_name: ev.name, status_code: out.status ?? undefined });
      }
      if (attempt === LIMITS.deliveryAttempts) {
        this.stopIntegration(rec, 'delivery_failures');
        this.state.addLog(
          rec.id,
          'error',
          LOG_MESSAGES.deliveryFailuresStop(attempt, ev.name, ev.id, what),
          { event_name: ev.name, status_code: out.status ?? undefined },
        );
        return 'stop-here';
      }
      if (signal.aborted || !(await pause(this.backoffMs(attempt), signal))) return 'aborted';
      if (rec.status !== 'running') return 'aborted';
    }
    return 'aborted';
  }

  private reject(rec: IntegrationRecord, ev: SandboxEvent, response: ReceiverAnswer): AttemptResult {
    const limit = this.state.rejectedLimit(rec, this.config.rejectedLimit);
    const existing = this.state.findRejected(rec.id, ev.id);
    if (existing) {
      // A duplicate delivery of an event already rejected: one record, one more attempt.
      existing.attempts += 1;
      existing.response = response;
      this.state.invalidateRejected(existing);
      this.state.touch();
      return 'delivered';
    }
    const stored = this.state.countRejected(rec.id);
    if (stored >= limit) {
      // No room to store it: stop here, and deliver this event first on the next _start.
      this.stopIntegration(rec, 'rejected_limit');
      this.state.addLog(
        rec.id,
        'error',
        LOG_MESSAGES.limitAlreadyReached(ev.name, ev.id, stored, limit),
        { event_name: ev.name, status_code: 400 },
      );
      return 'stop-here';
    }
    this.state.addRejected(rec.id, { id: ev.id, rejected_at: isoNow(), attempts: 1, event: this.state.webhookBody(ev), response });
    this.state.addLog(rec.id, 'warning', LOG_MESSAGES.rejected(ev.name, ev.id, response.body), { event_name: ev.name, status_code: 400 });
    if (stored + 1 >= limit) {
      this.stopIntegration(rec, 'rejected_limit');
      this.state.addLog(
        rec.id,
        'error',
        LOG_MESSAGES.limitReached(stored + 1, limit),
        { event_name: ev.name, status_code: 400 },
      );
      return 'stop-after';
    }
    return 'delivered';
  }

  /** POST .../rejected_events/{id}/_retry: re-delivers synchronously, whatever the integration's status. */
  async retryRejected(rec: IntegrationRecord, rejectedId: string): Promise<RetryOutcome | null> {
    const item = this.state.findRejected(rec.id, rejectedId);
    if (!item) return null;
    let status: number | null;
    let body: unknown;
    if (rec.s3_parameters) {
      status = 200; // an S3 export never rejects; nothing to re-deliver
      body = null;
    } else {
      // A retry of a rejected event is an attempt NewStore makes: it is recorded too (no retries follow it).
      const out = await this.attempt(rec, { id: item.id, name: item.event.name, payload: item.event.payload }, this.state.rejectedEventJson(item), 0);
      status = out.status;
      body = out.body;
    }
    const stillOurs = this.state.integrations.get(rec.id) === rec && this.state.findRejected(rec.id, item.id) === item;
    if (status !== null && status >= 200 && status < 300) {
      if (stillOurs) this.state.removeRejected(rec.id, item);
      return { id: item.id, delivered: true };
    }
    const response: ReceiverAnswer = { status_code: status, body };
    if (stillOurs) {
      item.attempts += 1;
      item.response = response;
      this.state.invalidateRejected(item);
      this.state.touch();
    }
    return { id: item.id, delivered: false, response };
  }

  // ---- S3 export ------------------------------------------------------------------------------

  private async runS3(rec: IntegrationRecord, signal: AbortSignal, waitForWake: (ms?: number) => Promise<void>): Promise<void> {
    const batchMs = Math.max(5, S3_BATCH_MS / this.config.timeScale);
    while (rec.status === 'running' && this.state.integrations.get(rec.id) === rec) {
      const peek = this.nextWindow(rec, 1);
      if (peek.events.length === 0) {
        rec.internal.cursor = peek.scanTo;
        if (peek.windowOver) return this.finishWindow(rec);
        if (signal.aborted) return;
        if (peek.scanTo < this.state.nextSeq) continue;
        await waitForWake(peek.waitMs);
        continue;
      }
      // Collect for one batch period, then write one file (also when stopping: nothing is lost).
      if (!signal.aborted) await pause(batchMs, signal);
      const win = this.nextWindow(rec, 100_000);
      if (win.events.length > 0) {
        try {
          await this.writeS3Batch(rec, win.events);
        } catch (err) {
          this.stopIntegration(rec, 'delivery_failures');
          this.state.addLog(rec.id, 'error', LOG_MESSAGES.s3WriteFailed(rec.s3_parameters!.bucket, (err as Error).message), { event_name: win.events[0]!.name });
          return;
        }
        const startedAt = Date.now();
        for (const ev of win.events) {
          const entityId = ev.payload.id;
          this.state.recordAttempt({
            integration_id: rec.id,
            integration_type: rec.integration_type,
            target: 's3',
            ok: true,
            startedAt,
            responseTimeMs: 0,
            retriesRemaining: LIMITS.deliveryAttempts - 1,
            entityId: ev.id,
            eventName: ev.name,
            domainEntityId: typeof entityId === 'string' || typeof entityId === 'number' ? String(entityId) : null,
          });
        }
      }
      rec.internal.cursor = win.scanTo;
      this.state.touch();
      if (win.windowOver) return this.finishWindow(rec);
      if (signal.aborted) return;
    }
  }

  /**
   * The bucket stand-in. One NDJSON file per batch (one webhook body per line), named
   *   <s3Dir>/<bucket>/<key_prefix><YYYY>/<MM>/<DD>/<integration_id>-<YYYYMMDDTHHMMSSmmmZ>-<first event seq>.ndjson
   * key_prefix is used verbatim (include a trailing "/" to get a folder).
   */
  s3KeyFor(rec: IntegrationRecord, firstSeq: number, at = new Date()): string {
    const s3 = rec.s3_parameters!;
    const iso = at.toISOString();
    const stamp = iso.replace(/[-:.]/g, '');
    return `${s3.key_prefix ?? ''}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${rec.id}-${stamp}-${firstSeq}.ndjson`;
  }

  private async writeS3Batch(rec: IntegrationRecord, events: SandboxEvent[]): Promise<void> {
    const key = this.s3KeyFor(rec, events[0]!.seq);
    const lines = events.map((ev) => JSON.stringify(this.state.webhookBody(ev))).join('\n') + '\n';
    await writeFileAtomic(join(this.config.s3Dir, rec.s3_parameters!.bucket, ...key.split('/')), lines);
  }
}

