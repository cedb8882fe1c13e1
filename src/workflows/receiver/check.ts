// `nsx receiver check`: grades a webhook receiver against NewStore's delivery rules (contract §3) by sending
// it synthetic NewStore-shaped deliveries and reading its answers. Eight checks, in order; each becomes a
// result with a status (pass, warn, fail, or skip when it cannot apply), a one-line summary and the
// evidence (status, body excerpt, time of every request it made). Nothing here prints: the command
// renders the results as they come (onCheck) and the report at the end.
// The events come from the caller (the sandbox's generator): this layer may not import the sandbox.
import { randomUUID } from 'node:crypto';
import type { ReceiverAnswer, WebhookBody, WebhookDeliveryClient } from '../../api/webhook-delivery.js';
import { InterruptedError } from '../../errors.js';

export interface EventDraft {
  name: string;
  payload: Record<string, unknown>;
}

/** A check-1 event with what it stands for ("order.created (exchange)"). */
export interface SampleDraft extends EventDraft {
  label: string;
}

/** The synthetic events the checks send, from the sandbox's generator, all matching --events. */
export interface CheckEvents {
  /** Check 1: a valid event of each family the receiver is meant for. */
  samples: SampleDraft[];
  /** A fresh valid event (new entity ids). */
  fresh(): EventDraft;
  /** A fresh event of another name than `name` (check 3), null when --events allows one name only. */
  otherThan(name: string): EventDraft | null;
  /** Check 4: order.cancelled / order.items_cancelled of an order, and that order's order.created (null when --events leaves it out). */
  outOfOrder: { early: EventDraft; created: EventDraft | null }[];
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One request a check made, and what came back. */
export interface Evidence {
  /** What was sent: "order.created (exchange)", "duplicate", "no Authorization header", "verify read", ... */
  what: string;
  name: string | null;
  idempotency_key: string | null;
  status: number | null;
  /** The answer's body, shortened. */
  body: string;
  ms: number;
  /** Why no answer came (timeout, refused), null when one did. */
  error: string | null;
  /** Verify reads: the count the receiver reported and the one expected. */
  processed?: number | null;
  expected?: number;
}

export interface LatencyTimings {
  deliveries: number;
  concurrency: number;
  timeout_ms: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

export interface CheckResult {
  id: number;
  /** A stable key for scripts: accepts-events, duplicate, same-key-other-name, out-of-order, authentication, not-an-event, latency, processed-once. */
  key: string;
  title: string;
  status: CheckStatus;
  summary: string;
  evidence: Evidence[];
  /** Wall-clock milliseconds the check took. */
  ms: number;
  timings?: LatencyTimings;
}

export interface ReceiverCheckReport {
  url: string;
  verify_url: string | null;
  checks: CheckResult[];
  summary: { status: 'pass' | 'warn' | 'fail'; pass: number; warn: number; fail: number; skip: number; deliveries: number; verify_reads: number; ms: number };
}

export interface ReceiverCheckOptions {
  url: URL;
  apiKey: string;
  tenant: string;
  /** Deliveries of check 7 (the latency run). */
  count: number;
  /** Deliveries in flight at once in check 7 (NewStore: 1 per integration by default). */
  concurrency: number;
  /** Per-request deadline. */
  timeoutMs: number;
  verifyUrl: URL | null;
  events: CheckEvents;
  client: Pick<WebhookDeliveryClient, 'deliver' | 'processedCount'>;
  onCheck?: (result: CheckResult) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

/** The deliveries checks 1-6 may make on top of --count: 11 samples, 2 + 2 + 4 + 2 + 2. */
export const FIXED_DELIVERIES = { samples: 11, duplicate: 2, sameKey: 2, outOfOrder: 4, authentication: 2, notAnEvent: 2 } as const;
export const MAX_FIXED_DELIVERIES = Object.values(FIXED_DELIVERIES).reduce((a, b) => a + b, 0);
/** Verify reads of check 8: the samples, the duplicate, the two same-key events and the two unauthenticated ones. */
export const MAX_VERIFY_READS = FIXED_DELIVERIES.samples + 1 + 2 + 2;

const is2xx = (s: number | null): boolean => s !== null && s >= 200 && s < 300;

/** "200 {"ok":true} in 3 ms", "no answer: timeout after 10000 ms". */
export function describeAnswer(e: Pick<Evidence, 'status' | 'body' | 'ms' | 'error'>): string {
  if (e.status === null) return `no answer (${e.error ?? 'unknown'}) after ${formatMs(e.ms)}`;
  const body = e.body.length > 60 ? `${e.body.slice(0, 60)}...` : e.body;
  return `${e.status}${body ? ` ${body}` : ''} in ${formatMs(e.ms)}`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** "a; b (+3 more)": the first few items of a list, for a one-line summary. */
function few(items: string[], max = 2): string {
  return items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')} (+${items.length - max} more)`;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** What check 8 reads back: events sent in checks 1-5 and how often each must have been processed. */
interface Expectation {
  what: string;
  name: string;
  key: string;
  expected: number;
}

export async function runReceiverCheck(opts: ReceiverCheckOptions): Promise<ReceiverCheckReport> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const maxDeliveries = opts.count + MAX_FIXED_DELIVERIES;
  let deliveries = 0;
  let verifyReads = 0;
  const checks: CheckResult[] = [];
  const expectations: Expectation[] = [];

  const body = (draft: EventDraft, key: string = randomUUID()): WebhookBody => ({ tenant: opts.tenant, name: draft.name, published_at: now().toISOString(), idempotency_key: key, payload: draft.payload });

  const send = async (what: string, text: string, meta: { name: string | null; key: string | null }, apiKey: string | null = opts.apiKey): Promise<Evidence> => {
    if (opts.signal?.aborted) throw new InterruptedError('interrupted: the check stopped before its next delivery');
    // A guard, not a limit anyone should meet: the checks below are counted to stay inside it.
    if (++deliveries > maxDeliveries) throw new Error(`receiver check: delivery ${deliveries} would exceed the maximum of ${maxDeliveries}`);
    const answer: ReceiverAnswer = await opts.client.deliver(opts.url, text, apiKey, opts.timeoutMs);
    return { what, name: meta.name, idempotency_key: meta.key, status: answer.status, body: answer.body, ms: answer.ms, error: answer.error };
  };
  const deliver = (what: string, event: WebhookBody, apiKey: string | null = opts.apiKey): Promise<Evidence> =>
    send(what, JSON.stringify(event), { name: event.name, key: event.idempotency_key }, apiKey);

  let checkStarted = performance.now();
  const finish = (result: Omit<CheckResult, 'id' | 'ms'>): void => {
    const full = { id: checks.length + 1, ...result, ms: round(performance.now() - checkStarted) };
    checkStarted = performance.now();
    checks.push(full);
    opts.onCheck?.(full);
  };

  // 1. Valid events of each family are taken (2xx).
  {
    const evidence: Evidence[] = [];
    for (const sample of opts.events.samples.slice(0, FIXED_DELIVERIES.samples)) {
      const event = body(sample);
      const e = await deliver(sample.label, event);
      evidence.push(e);
      if (is2xx(e.status)) expectations.push({ what: sample.label, name: event.name, key: event.idempotency_key, expected: 1 });
    }
    const refused = evidence.filter((e) => !is2xx(e.status));
    const slowest = Math.max(0, ...evidence.map((e) => e.ms));
    finish({
      key: 'accepts-events',
      title: 'accepts valid events',
      status: evidence.length === 0 ? 'skip' : refused.length ? 'fail' : 'pass',
      summary:
        evidence.length === 0
          ? 'no sample event matches --events'
          : refused.length
            ? `${refused.length} of ${evidence.length} valid events not taken: ${few(refused.map((e) => `${e.what}: ${describeAnswer(e)}`))}${refused.some((e) => e.status === 400) ? ' (a 400 stores it as rejected; at the limit the integration stops)' : ' (NewStore retries it ~20 min, then stops the integration)'}`
            : `${evidence.length} events of ${new Set(evidence.map((e) => e.name?.split('.')[0])).size} families taken (${[...new Set(evidence.map((e) => e.status))].join(', ')}), slowest ${formatMs(slowest)}`,
      evidence,
    });
  }

  // 2. A duplicate (same name, key and body) is answered 2xx.
  {
    const event = body(opts.events.fresh());
    const first = await deliver('first delivery', event);
    const evidence = [first];
    let status: CheckStatus;
    let summary: string;
    if (!is2xx(first.status)) {
      status = 'fail';
      summary = `the first delivery of ${event.name} was not taken (${describeAnswer(first)}), so the duplicate could not be tried`;
    } else {
      const dup = await deliver('duplicate', event);
      evidence.push(dup);
      expectations.push({ what: 'duplicate', name: event.name, key: event.idempotency_key, expected: 1 });
      status = is2xx(dup.status) ? 'pass' : 'fail';
      summary = is2xx(dup.status)
        ? `${event.name} sent twice with the same idempotency key: ${first.status}, then ${describeAnswer(dup)}`
        : `the duplicate of ${event.name} got ${describeAnswer(dup)}: a duplicate must be 2xx (a log line, not an error)${dup.status === 400 ? '; 400 stores it as rejected' : '; NewStore would retry it ~20 min, then stop the integration'}`;
    }
    finish({ key: 'duplicate', title: 'duplicate is 2xx', status, summary, evidence });
  }

  // 3. The same key under another name is another event.
  {
    const firstDraft = opts.events.fresh();
    const otherDraft = opts.events.otherThan(firstDraft.name);
    if (!otherDraft) {
      finish({ key: 'same-key-other-name', title: 'same key, other name', status: 'skip', summary: '--events allows one event name only', evidence: [] });
    } else {
      const key = randomUUID();
      const a = body(firstDraft, key);
      const b = body(otherDraft, key);
      const first = await deliver(a.name, a);
      const second = await deliver(`${b.name}, same key`, b);
      const evidence = [first, second];
      const saysDuplicate = /duplicate|already (?:processed|received|seen)/i.test(second.body);
      let status: CheckStatus = 'pass';
      let summary = `${a.name} then ${b.name} with one idempotency key: ${first.status}, then ${describeAnswer(second)}`;
      if (!is2xx(first.status)) {
        status = 'fail';
        summary = `${a.name} was not taken (${describeAnswer(first)}), so the second name could not be tried`;
      } else if (!is2xx(second.status)) {
        status = 'fail';
        summary = `${b.name} with the key of ${a.name} got ${describeAnswer(second)}: the key is unique per event name only (dedupe on name + key)`;
      } else if (saysDuplicate) {
        status = 'fail';
        summary = `${b.name} with the key of ${a.name} was answered as a duplicate (${describeAnswer(second)}): dedupe on name + key, not the key alone`;
      } else if (!opts.verifyUrl) {
        summary += ' (--verify-url would prove both were processed)';
      }
      if (is2xx(first.status)) expectations.push({ what: a.name, name: a.name, key, expected: 1 });
      if (is2xx(first.status) && is2xx(second.status)) expectations.push({ what: `${b.name}, same key`, name: b.name, key, expected: 1 });
      finish({ key: 'same-key-other-name', title: 'same key, other name', status, summary, evidence });
    }
  }

  // 4. Out of order: a cancellation before the order's creation is not 5xx or a timeout.
  {
    const evidence: Evidence[] = [];
    for (const pair of opts.events.outOfOrder.slice(0, 2)) {
      evidence.push(await deliver(`${pair.early.name} before order.created`, body(pair.early)));
      if (pair.created) evidence.push(await deliver('order.created after it', body(pair.created)));
    }
    const stops = evidence.filter((e) => !is2xx(e.status) && e.status !== 400);
    const rejected = evidence.filter((e) => e.status === 400);
    finish({
      key: 'out-of-order',
      title: 'out-of-order delivery',
      status: evidence.length === 0 ? 'skip' : stops.length ? 'fail' : rejected.length ? 'warn' : 'pass',
      summary:
        evidence.length === 0
          ? '--events allows neither order.cancelled nor order.items_cancelled'
          : stops.length
            ? `${few(stops.map((e) => `${e.what}: ${describeAnswer(e)}`))}: NewStore would retry it ~20 min, then stop the integration (take it, and apply it once the order exists)`
            : rejected.length
              ? `${few(rejected.map((e) => `${e.what}: ${describeAnswer(e)}`))}: a 400 is stored as a rejected event; delivery is unordered, so park the event and apply it once the order exists`
              : `${evidence.map((e) => `${e.what}: ${e.status}`).join(', ')}`,
      evidence,
    });
  }

  // 5. Authentication: no header and a wrong key are refused with 401/403.
  {
    const evidence: Evidence[] = [];
    const none = body(opts.events.fresh());
    evidence.push(await deliver('no Authorization header', none, null));
    const wrong = body(opts.events.fresh());
    evidence.push(await deliver('wrong api key', wrong, `nsx-receiver-check-wrong-${randomUUID()}`));
    expectations.push({ what: 'no Authorization header', name: none.name, key: none.idempotency_key, expected: 0 });
    expectations.push({ what: 'wrong api key', name: wrong.name, key: wrong.idempotency_key, expected: 0 });
    const taken = evidence.filter((e) => is2xx(e.status));
    const odd = evidence.filter((e) => !is2xx(e.status) && e.status !== 401 && e.status !== 403);
    finish({
      key: 'authentication',
      title: 'refuses unauthenticated',
      status: taken.length ? 'fail' : odd.length ? 'warn' : 'pass',
      summary: taken.length
        ? `${few(taken.map((e) => `${e.what}: ${describeAnswer(e)}`))}: the receiver takes events without the api key, so anyone could post to it`
        : odd.length
          ? `${few(odd.map((e) => `${e.what}: ${describeAnswer(e)}`))}: refused, but 401 or 403 says why`
          : evidence.map((e) => `${e.what}: ${e.status}`).join(', '),
      evidence,
    });
  }

  // 6. A body that is not an event gets 400, not 5xx.
  {
    const valid = body(opts.events.fresh());
    const json = JSON.stringify(valid);
    const malformed = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
    const { name: _name, ...nameless } = valid;
    const evidence = [
      await send('malformed JSON', malformed, { name: null, key: null }),
      await send('no "name"', JSON.stringify(nameless), { name: null, key: valid.idempotency_key }),
    ];
    const broken = evidence.filter((e) => e.status === null || e.status >= 500);
    const other = evidence.filter((e) => e.status !== 400 && !broken.includes(e));
    finish({
      key: 'not-an-event',
      title: '400 for a non-event',
      status: broken.length ? 'fail' : other.length ? 'warn' : 'pass',
      summary: broken.length
        ? `${few(broken.map((e) => `${e.what}: ${describeAnswer(e)}`))}: answer 400 for what can never be an event (anything else is retried ~20 min, then stops the integration)`
        : other.length
          ? `${few(other.map((e) => `${e.what}: ${describeAnswer(e)}`))}: ${other.some((e) => is2xx(e.status)) ? 'taken although it is not an event' : 'NewStore reads only 400 as "rejected"; other 4xx are retried'}`
          : evidence.map((e) => `${e.what}: ${e.status}`).join(', '),
      evidence,
    });
  }

  // 7. Latency over --count deliveries at --concurrency.
  {
    const evidence: Evidence[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < opts.count) {
        next++;
        const event = body(opts.events.fresh());
        evidence.push(await deliver(`delivery ${evidence.length + 1}`, event));
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.count) }, worker));
    const times = evidence.map((e) => e.ms).sort((a, b) => a - b);
    const timings: LatencyTimings = {
      deliveries: evidence.length,
      concurrency: opts.concurrency,
      timeout_ms: opts.timeoutMs,
      p50_ms: round(percentile(times, 50)),
      p95_ms: round(percentile(times, 95)),
      max_ms: round(times[times.length - 1] ?? 0),
    };
    const unanswered = evidence.filter((e) => e.status === null);
    const not2xx = evidence.filter((e) => e.status !== null && !is2xx(e.status));
    const stats = `p50 ${formatMs(timings.p50_ms)}, p95 ${formatMs(timings.p95_ms)}, max ${formatMs(timings.max_ms)} over ${evidence.length} deliveries at concurrency ${opts.concurrency} (timeout ${formatMs(opts.timeoutMs)})`;
    const half = opts.timeoutMs / 2;
    let status: CheckStatus = 'pass';
    let summary = stats;
    if (evidence.length === 0) (status = 'skip'), (summary = '--count 0: no latency run');
    else if (unanswered.length) (status = 'fail'), (summary = `${unanswered.length} of ${evidence.length} got no answer (${unanswered[0]!.error}): NewStore retries them ~20 min, then stops the integration; ${stats}`);
    else if (timings.p95_ms > half) (status = 'warn'), (summary = `p95 above half the timeout (${formatMs(half)}): ${stats}`);
    else if (not2xx.length) (status = 'warn'), (summary = `${not2xx.length} of ${evidence.length} not 2xx (first: ${describeAnswer(not2xx[0]!)}); ${stats}`);
    finish({ key: 'latency', title: 'latency', status, summary, evidence, timings });
  }

  // 8. Processed once, read back from the receiver's own verify endpoint.
  if (!opts.verifyUrl) {
    finish({ key: 'processed-once', title: 'processed once (--verify-url)', status: 'skip', summary: 'no --verify-url: give one to prove duplicates were processed once', evidence: [] });
  } else {
    const evidence: Evidence[] = [];
    for (const x of expectations.slice(0, MAX_VERIFY_READS)) {
      if (opts.signal?.aborted) throw new InterruptedError('interrupted: the check stopped before its next verify read');
      verifyReads++;
      const { answer, processed } = await opts.client.processedCount(opts.verifyUrl, x.name, x.key, opts.apiKey, opts.timeoutMs);
      evidence.push({ what: `verify ${x.what}`, name: x.name, idempotency_key: x.key, status: answer.status, body: answer.body, ms: answer.ms, error: answer.error, processed, expected: x.expected });
    }
    const unreadable = evidence.filter((e) => e.processed === null || e.processed === undefined);
    const wrong = evidence.filter((e) => typeof e.processed === 'number' && e.processed !== e.expected);
    finish({
      key: 'processed-once',
      title: 'processed once (--verify-url)',
      status: unreadable.length || wrong.length ? 'fail' : 'pass',
      summary: unreadable.length
        ? `${unreadable.length} verify reads did not answer {"processed": n} (first: ${describeAnswer(unreadable[0]!)})`
        : wrong.length
          ? few(wrong.map((e) => `${e.what.replace(/^verify /, '')}: processed ${e.processed} times, expected ${e.expected}`))
          : `${evidence.length} events read back: each processed as often as expected (duplicate once, refused ones never)`,
      evidence,
    });
  }

  const count = (s: CheckStatus): number => checks.filter((c) => c.status === s).length;
  const summary = {
    status: count('fail') ? ('fail' as const) : count('warn') ? ('warn' as const) : ('pass' as const),
    pass: count('pass'),
    warn: count('warn'),
    fail: count('fail'),
    skip: count('skip'),
    deliveries,
    verify_reads: verifyReads,
    ms: round(performance.now() - started),
  };
  return { url: opts.url.href, verify_url: opts.verifyUrl?.href ?? null, checks, summary };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
