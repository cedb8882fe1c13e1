// Applies plan events: retry or delete each, in plan order. Events of one entity (payload order_id, else id)
// run strictly one after another in plan order; different entities run in parallel up to `concurrency`.
// Every call is journaled before it is sent and when its outcome is known. No terminal I/O: progress goes
// through hooks.
import type { CallOptions } from '../../api/eventstream.js';
import type { RejectedEvent, RetryResult } from '../../api/schemas.js';
import { ApiError, NetworkError, UnsafePathParameterError } from '../../errors.js';
import { DEFAULT_RETRY, NOT_SENT_CODES } from '../../api/http.js';
import type { EventOutcomeKind, EventRecord, JournalWriter } from './journal.js';
import type { PlanEvent } from './plan.js';
import { pause } from '../../timers.js';
import { answerText } from './signature.js';
import { findRejectedEvent } from '../rejected/listing.js';
import { AdaptiveConcurrency, type LevelChange } from '../pace/adaptive.js';


/** Under --concurrency auto, 429/503 repeats of one call (each waits for the controller's pause): at most. */
const MAX_THROTTLED_REPEATS = 30;

/**
 * The calls apply needs (EventStreamApi has them; tests pass fakes): the two that change an event, and
 * the listing that tells what became of a send whose answer never came.
 */
export interface RejectedEventCalls {
  retryRejectedEvent(id: string, eventId: string, options: CallOptions): Promise<RetryResult>;
  deleteRejectedEvent(id: string, eventId: string, options: CallOptions): Promise<void>;
  rejectedEvents(id: string, options?: { signal?: AbortSignal }): AsyncIterable<RejectedEvent>;
}

export type OnError = 'stop' | 'skip';

export interface ApplyProgress {
  /** Calls finished (delivered, deleted, failed, held), out of `total` (the plan's retries and drops). */
  done: number;
  total: number;
  startedAt: number;
  /** The pace in effect, calls per second; undefined = unlimited. */
  ratePerSecond: number | undefined;
  /** Calls in flight allowed now, under --concurrency auto. */
  level?: number | undefined;
}

export interface ApplyHooks {
  onEvent?(record: EventRecord, progress: ApplyProgress): void;
  /** A 429 outlasted the HTTP layer's retries: the pace was lowered. */
  onSlowDown?(ratePerSecond: number): void;
  /** --concurrency auto changed the level (also journaled as a `level` record). */
  onLevel?(change: LevelChange): void;
}

export interface ApplyOptions {
  tenant: string;
  /** user@host, written on every journal line. */
  actor: string;
  concurrency: number;
  /** --concurrency auto: the level adapts between 1 and `concurrency` (src/workflows/pace/adaptive.ts). */
  adaptive?: { start?: number; now?: () => number } | undefined;
  ratePerSecond?: number | undefined;
  onError: OnError;
  /** Aborted on Ctrl-C: no new calls start; calls in flight get `graceMs` to finish. */
  signal?: AbortSignal | undefined;
  graceMs?: number;
  journal?: JournalWriter | undefined;
  hooks?: ApplyHooks;
  /**
   * Each event's `attempts` in the listing this session began with: what a read after an unknown outcome
   * compares with (unchanged = the send did not take effect; one more = it was rejected again).
   */
  attempts?: ReadonlyMap<string, number> | undefined;
  /** Waits between repeats of one call (tests shorten them). */
  backoffMs?: (round: number) => number;
}

export interface ApplyResult {
  /** One record per plan event handled in this session, in completion order. */
  records: EventRecord[];
  /** The first event that was not delivered, when --on-error stop ended the run. */
  stoppedBy: EventRecord | undefined;
  interrupted: boolean;
  /** Plan events not handled (stopped or interrupted before their turn). */
  notAttempted: PlanEvent[];
}

/** Each event's `attempts` (where the listing gives them), for ApplyOptions.attempts. */
export function attemptsOf(events: Iterable<RejectedEvent>): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) if (typeof e.attempts === 'number') out.set(e.id, e.attempts);
  return out;
}

const defaultBackoff = (round: number): number => Math.min(8000, 250 * 2 ** round) * (0.5 + Math.random() / 2);

/** Paces calls at most `rate` per second; lowered when the server throttles, raised again as calls succeed. */
export class Pace {
  private rate: number | undefined;
  private next = 0;
  private successes = 0;
  private ceiling: number | undefined;

  constructor(private readonly userRate?: number) {
    this.rate = userRate;
  }

  get current(): number | undefined {
    return this.rate;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (!this.rate) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await pause(at - now, signal);
  }

  /** Halves the pace (starting from what was observed when there was no cap). */
  slowDown(observedPerSecond: number): number {
    const from = this.rate ?? Math.max(1, observedPerSecond);
    this.ceiling ??= this.userRate ?? from;
    this.rate = Math.max(0.5, from / 2);
    this.successes = 0;
    return this.rate;
  }

  /** After a run of successes, raise the pace by a quarter, up to the user's cap (or lift it). */
  success(): void {
    if (this.rate === undefined || this.ceiling === undefined) return;
    if (++this.successes < 25) return;
    this.successes = 0;
    const raised = this.rate * 1.25;
    if (raised >= this.ceiling) {
      this.rate = this.userRate;
      this.ceiling = undefined;
    } else this.rate = raised;
  }
}

interface CallOutcome {
  outcome: EventOutcomeKind;
  status: number | null;
  answer?: string;
  error?: string;
  /** Sends of the call, when more than one. */
  sends?: number;
  /** Listings read to learn what a send with an unknown outcome did. */
  reads?: number;
  outcomeUnknown?: boolean;
}

const TRUNCATE_ANSWER = 500;

/** Sends of one call in all (429/503 that outlasted the HTTP layer, sends a read proved had no effect). */
const MAX_ROUNDS = 6;
/** Sends of a call repeated while the outcome of the one before is unknown ("blind" repeats): one. */
const MAX_BLIND_REPEATS = 1;
/** Connection failures that mean "no answer within --timeout": the server may still be working on it. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['NSX_DEADLINE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * What a send whose outcome is unknown did, as far as the rejected-events listing tells:
 * - `gone`: the event left the list, so the send took effect (delivered, or deleted);
 * - `rejected`: still there with more attempts than before: it was delivered and rejected again;
 * - `no-effect`: still there with the attempts unchanged, after an exchange that ended (an answer or a
 *   reset): the send did nothing, and the next one is a fresh call, not a repeat;
 * - `unsettled`: the read failed, the attempts before are not known, or no answer came (a timeout, a
 *   504) and the server may still be working on the call.
 */
type Settled = { kind: 'gone' } | { kind: 'rejected'; event: RejectedEvent } | { kind: 'no-effect' } | { kind: 'unsettled' };

async function settle(
  api: RejectedEventCalls,
  integration: string,
  event: PlanEvent,
  before: number | undefined,
  mayBePending: boolean,
  signal: AbortSignal,
): Promise<Settled> {
  let found: RejectedEvent | undefined;
  try {
    found = await findRejectedEvent(api, integration, event.id, { signal });
  } catch (error) {
    if (error instanceof ApiError || error instanceof NetworkError) return { kind: 'unsettled' };
    throw error; // authentication, an answer nsx cannot read: the run cannot go on
  }
  if (!found) return { kind: 'gone' };
  if (event.action === 'drop') return mayBePending ? { kind: 'unsettled' } : { kind: 'no-effect' };
  const attempts = found.attempts ?? undefined;
  if (before !== undefined && attempts !== undefined && attempts > before) return { kind: 'rejected', event: found };
  if (mayBePending || before === undefined || attempts === undefined || attempts !== before) return { kind: 'unsettled' };
  return { kind: 'no-effect' };
}

/**
 * One event's call. This layer alone repeats a retry or delete whose outcome is unknown: the HTTP layer
 * repeats them only when nothing was sent, or after 429/503 (the server did nothing). An outcome is
 * unknown after a timeout, a reset once the request was sent, or a 500/502/504 answer (a 500 too: the
 * server failed while handling the call, which does not say whether the delivery happened before it). Such
 * a send is never simply sent again: the rejected-events listing is read first (see settle). Gone means
 * the send took effect ("delivered (gone)" / "deleted (gone)"); more attempts, rejected again; attempts
 * unchanged after an answer or a reset, no effect, and the next send is a fresh call. When the read
 * cannot tell (or the server may still be working: a timeout or a 504), the call is repeated once, blind;
 * if that one's outcome cannot be told either, the event is an error with `outcome_unknown`, and `sends`
 * says how often it went out. A 429 that outlasted the HTTP layer lowers the pace and waits.
 */
async function callOnce(
  api: RejectedEventCalls,
  integration: string,
  event: PlanEvent,
  ctx: {
    soft: AbortSignal;
    hard: AbortSignal;
    pace: Pace;
    observed: () => number;
    hooks: ApplyHooks;
    backoff: (round: number) => number;
    attempts: ReadonlyMap<string, number> | undefined;
    onThrottled?: ((status: number, retryAfterMs: number | undefined) => void) | undefined;
    /** --concurrency auto: waits until the controller lets a call start (Retry-After, its pace). */
    gate?: ((signal: AbortSignal, retryAfterMs?: number) => Promise<void>) | undefined;
  },
): Promise<CallOutcome> {
  const callOptions: CallOptions = { idempotent: false, signal: ctx.hard };
  if (ctx.onThrottled) callOptions.onThrottled = ctx.onThrottled;
  if (ctx.gate) callOptions.noThrottleRetry = true;
  let throttledRepeats = 0;
  const before = ctx.attempts?.get(event.id);
  let unknown = 0; // sends whose outcome was unknown when they ended
  let blind = 0; // sends made while the outcome of the one before was unknown
  let reads = 0;
  let unsettled = false; // the last send's outcome is still unknown
  let round = 0;
  let notSent = 0; // rounds that certainly never reached the server (connection refused, ...)
  const sends = (): number => round + 1 - notSent;
  const tally = (out: CallOutcome): CallOutcome => {
    if (sends() > 1) out.sends = sends();
    if (reads > 0) out.reads = reads;
    return out;
  };
  const rejectedAgain = (status: number | null, body: unknown): CallOutcome =>
    tally({ outcome: 'rejected', status, answer: answerText(body).slice(0, TRUNCATE_ANSWER) });
  for (; ; round++) {
    try {
      if (event.action === 'drop') {
        await api.deleteRejectedEvent(integration, event.id, callOptions); // repeats are made here
        return tally({ outcome: 'deleted', status: null });
      }
      const result = await api.retryRejectedEvent(integration, event.id, callOptions); // ditto
      const status = result.response?.status_code ?? null;
      if (result.delivered) return tally({ outcome: 'delivered', status });
      return rejectedAgain(status, result.response?.body);
    } catch (error) {
      if (ctx.hard.aborted) return tally({ outcome: 'interrupted', status: null, error: 'interrupted before the answer arrived' });
      let message: string;
      let wasUnknown = false;
      let mayBePending = false; // no answer came: the server may still be working on the call
      if (error instanceof ApiError) {
        if (error.status === 404) {
          const kind: EventOutcomeKind = unknown > 0 ? (event.action === 'drop' ? 'deleted_gone' : 'delivered_gone') : 'gone';
          return tally({ outcome: kind, status: null });
        }
        message = error.message;
        if ((error.status === 429 || error.status === 503) && ctx.gate && throttledRepeats < MAX_THROTTLED_REPEATS) {
          // The server did nothing; the controller has halved the level and paces the repeat.
          throttledRepeats++;
          await ctx.gate(ctx.soft, error.retryAfterMs);
          if (ctx.soft.aborted) return tally({ outcome: 'interrupted', status: null, error: `interrupted while waiting to repeat the call (${message})` });
          round--;
          continue;
        }
        if (error.status === 429 || error.status === 503) ctx.hooks.onSlowDown?.(ctx.pace.slowDown(ctx.observed()));
        else if (error.status === 500 || error.status === 502 || error.status === 504) {
          wasUnknown = true;
          mayBePending = error.status === 504; // a gateway that stopped waiting for the server
        } else return tally({ outcome: 'error', status: null, error: message });
      } else if (error instanceof NetworkError) {
        wasUnknown = !NOT_SENT_CODES.has(error.code ?? '');
        mayBePending = TIMEOUT_CODES.has(error.code ?? '');
        if (!wasUnknown) notSent++;
        message = error.message;
      } else if (error instanceof UnsafePathParameterError) {
        return { outcome: 'error', status: null, error: error.message }; // refused before sending: nothing to repeat
      } else {
        throw error; // authentication, an answer nsx does not understand: the run cannot go on
      }
      const interrupted = (): CallOutcome =>
        tally({ outcome: 'interrupted', status: null, error: `interrupted while waiting to repeat the call (${message})`, ...(wasUnknown ? { outcomeUnknown: true } : {}) });
      await pause(ctx.backoff(round), ctx.soft);
      if (ctx.soft.aborted) return interrupted();
      if (wasUnknown) {
        unknown++;
        reads++;
        const settled = await settle(api, integration, event, before, mayBePending, ctx.hard);
        if (ctx.hard.aborted) return interrupted();
        if (settled.kind === 'gone') return tally({ outcome: event.action === 'drop' ? 'deleted_gone' : 'delivered_gone', status: null });
        if (settled.kind === 'rejected') return rejectedAgain(settled.event.response?.status_code ?? null, settled.event.response?.body);
        unsettled = settled.kind === 'unsettled';
        if (unsettled) {
          if (blind >= MAX_BLIND_REPEATS) {
            return tally({ outcome: 'error', status: null, error: `outcome unknown, sent ${sends()} times: ${message}`, outcomeUnknown: true });
          }
          blind++;
        }
        // no-effect: the next send is a fresh call whose outcome is known to be nothing so far.
      } else unsettled = false;
      if (round + 1 >= MAX_ROUNDS) {
        if (unsettled) return tally({ outcome: 'error', status: null, error: `outcome unknown, sent ${sends()} times: ${message}`, outcomeUnknown: true });
        return tally({ outcome: 'error', status: null, error: sends() > 1 ? `${message} (sent ${sends()} times)` : message });
      }
    }
  }
}

/** Applies the events (in plan order); `skip` events are journaled as skipped without a call. */
export async function applyPlan(api: RejectedEventCalls, integration: string, events: readonly PlanEvent[], options: ApplyOptions): Promise<ApplyResult> {
  const hooks = options.hooks ?? {};
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const pace = new Pace(options.ratePerSecond);
  const soft = options.signal ?? new AbortController().signal;
  const hardController = new AbortController();
  const backoff = options.backoffMs ?? defaultBackoff;
  const records: EventRecord[] = [];
  const startedAt = performance.now();
  const calls = events.filter((e) => e.action !== 'skip');
  const now = options.adaptive?.now ?? (() => performance.now());
  const adaptive = options.adaptive ? new AdaptiveConcurrency({ max: concurrency, now, ...(options.adaptive.start === undefined ? {} : { start: options.adaptive.start }) }) : undefined;
  const limit = (): number => adaptive?.level ?? concurrency;
  const progress = (): ApplyProgress => ({ done, total: calls.length, startedAt, ratePerSecond: pace.current, level: adaptive?.level });
  const levelChanged = (change: LevelChange | undefined): void => {
    if (!change) return;
    options.journal?.append({ type: 'level', at: new Date().toISOString(), ...change });
    hooks.onLevel?.(change);
    notify();
  };
  let done = 0;
  let stoppedBy: EventRecord | undefined;
  let fatal: unknown;

  const record = (event: PlanEvent, out: CallOutcome, ms: number): EventRecord => {
    // Built field by field (not with conditional spreads): one of these per event, thousands per run.
    const rec = {
      type: 'event',
      at: new Date().toISOString(),
      user: options.actor,
      tenant: options.tenant,
      integration,
      event_id: event.id,
      event_name: event.name,
      entity: event.entity,
      action: event.action,
      outcome: out.outcome,
      receiver_status: out.status,
    } as EventRecord;
    if (out.answer !== undefined) rec.receiver_answer = out.answer;
    if (out.error !== undefined) rec.error = out.error;
    if (out.sends !== undefined) rec.sends = out.sends;
    if (out.reads !== undefined) rec.reads = out.reads;
    if (out.outcomeUnknown) rec.outcome_unknown = true;
    rec.duration_ms = Math.round(ms);
    options.journal?.append(rec);
    records.push(rec);
    return rec;
  };

  for (const event of events) if (event.action === 'skip') record(event, { outcome: 'skipped', status: null }, 0);

  // Per-entity queues of plan indexes (in plan order), and a min-heap of the indexes that may start now:
  // the head of each entity's queue while no event of that entity is in flight.
  const queues = new Map<string, { indexes: number[]; head: number }>();
  calls.forEach((event, i) => {
    let q = queues.get(event.entity);
    if (!q) queues.set(event.entity, (q = { indexes: [], head: 0 }));
    q.indexes.push(i);
  });
  const ready = new MinHeap();
  for (const q of queues.values()) ready.push(q.indexes[0]!);
  // An entity whose event did not go through (--on-error skip): its later events are held back, since
  // sending them would change the order the receiver sees.
  const blocked = new Set<string>();
  const handled = new Set<PlanEvent>();
  let inFlight = 0;
  /** Calls in flight that wait out a Retry-After (they do not count against the level). */
  let holding = 0;
  /** Held calls waiting for room under the cap; woken whenever a call ends. */
  const slotWaiters: Array<() => void> = [];
  const slotFreed = (): void => {
    for (const resolve of slotWaiters.splice(0)) resolve();
  };
  let stopping = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    stopping = true;
    // Calls in flight get a moment to finish; after that they are cut off (their outcome stays unknown).
    graceTimer = setTimeout(() => hardController.abort(soft.reason), options.graceMs ?? 1500);
    notify();
    slotFreed();
  };
  if (soft.aborted) onAbort();
  else soft.addEventListener('abort', onAbort, { once: true });

  const next = (event: PlanEvent): void => {
    const q = queues.get(event.entity)!;
    q.head++;
    if (q.head < q.indexes.length) ready.push(q.indexes[q.head]!);
  };

  const run = async (event: PlanEvent): Promise<void> => {
    try {
      await runOne(event);
    } catch (error) {
      // The journal could not be written (a full disk): nothing more is sent; the run is resumable, and an
      // event whose outcome was not written is sent again on resume (or found gone).
      fatal ??= error;
      stopping = true;
      handled.add(event);
    }
  };
  // Under --concurrency auto: a call (or the repeat of a throttled one) starts once the controller's
  // pause (Retry-After) and pace allow.
  const gate = async (signal: AbortSignal, retryAfterMs?: number): Promise<void> => {
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      // The throttled call waits out its own Retry-After without holding a place of the level: the other
      // entities go on at the pace the controller learnt from the 429 (a long Retry-After pauses them too).
      holding++;
      notify();
      try {
        await pause(Math.min(retryAfterMs, DEFAULT_RETRY.maxRetryAfterMs), signal);
        // Back on the wire only with room under the cap: never more than --max-concurrency calls at once.
        while (inFlight - holding >= concurrency && !signal.aborted) await new Promise<void>((resolve) => slotWaiters.push(resolve));
      } finally {
        holding--;
      }
    }
    const wait = adaptive!.reserve();
    if (wait > 0) await pause(wait, signal);
  };
  const runOne = async (event: PlanEvent): Promise<void> => {
    const t0 = performance.now();
    let throttled = false;
    const onThrottled = adaptive
      ? (status: number, retryAfterMs: number | undefined): void => {
          throttled = true;
          levelChanged(adaptive.throttled(status, retryAfterMs));
        }
      : undefined;
    options.journal?.append({ type: 'send', at: new Date().toISOString(), event_id: event.id, action: event.action });
    let out: CallOutcome;
    try {
      out = await callOnce(api, integration, event, {
        soft,
        hard: hardController.signal,
        pace,
        observed: () => (done / Math.max(0.001, (performance.now() - startedAt) / 1000)),
        hooks,
        backoff,
        attempts: options.attempts,
        onThrottled,
        gate: adaptive ? gate : undefined,
      });
    } catch (error) {
      fatal ??= error;
      stopping = true;
      out = { outcome: 'error', status: null, error: error instanceof Error ? error.message : String(error) };
    }
    handled.add(event);
    if (out.outcome !== 'interrupted') done++;
    const ms = performance.now() - t0;
    // A call that met 429/503 took the HTTP layer's waits too: its time says nothing of the latency.
    if (adaptive && !throttled && out.outcome !== 'interrupted') levelChanged(adaptive.answered(ms));
    const rec = record(event, out, ms);
    if (out.outcome === 'delivered' || out.outcome === 'deleted') pace.success();
    if (!isGoneOrDone(out.outcome) && out.outcome !== 'interrupted') {
      blocked.add(event.entity);
      if (options.onError === 'stop' && !stoppedBy) {
        stoppedBy = rec;
        stopping = true;
      }
    }
    hooks.onEvent?.(rec, progress());
    next(event);
  };

  const inFlightCalls = new Set<Promise<void>>();
  if (adaptive) levelChanged(adaptive.started());
  while (!stopping) {
    if (ready.length === 0 && inFlight === 0) break;
    if (inFlight - holding >= limit() || ready.length === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const wait = adaptive?.reserve() ?? 0;
    if (wait > 0) {
      // A long Retry-After is being honoured, or the pace learnt from a 429: this call starts in its slot.
      await pause(wait, soft);
      if (stopping) break;
    }
    await pace.take(soft);
    if (stopping) break;
    if (inFlight - holding >= limit()) continue; // a held call took the room while this one waited its slot
    const event = calls[ready.pop()!]!;
    if (blocked.has(event.entity)) {
      handled.add(event);
      done++;
      const rec = record(event, { outcome: 'held', status: null, error: 'an earlier event of the same entity was not delivered' }, 0);
      hooks.onEvent?.(rec, progress());
      next(event);
      continue;
    }
    inFlight++;
    const call = run(event).finally(() => {
      inFlight--;
      slotFreed();
      inFlightCalls.delete(call);
      notify();
    });
    inFlightCalls.add(call);
  }
  await Promise.all(inFlightCalls);
  clearTimeout(graceTimer);
  soft.removeEventListener('abort', onAbort);
  if (fatal) throw fatal;
  return {
    records,
    stoppedBy,
    interrupted: soft.aborted,
    notAttempted: calls.filter((e) => !handled.has(e)),
  };
}

/** A binary min-heap of plan indexes: the earliest event that may start comes out first. */
class MinHeap {
  private readonly items: number[] = [];
  get length(): number {
    return this.items.length;
  }
  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

function isGoneOrDone(outcome: EventOutcomeKind): boolean {
  return outcome === 'delivered' || outcome === 'delivered_gone' || outcome === 'gone' || outcome === 'deleted' || outcome === 'deleted_gone';
}
