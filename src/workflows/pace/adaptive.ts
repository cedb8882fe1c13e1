// The adaptive concurrency of `recover --concurrency auto`: how many calls may be in flight at once,
// chosen from what the tenant's answers say. Pure (the clock is passed in), so tests drive it with a fake one.
//
// Rules (README "Adaptive concurrency"):
// - Start at `start` (2). A round is `level` answered calls (at least 2). At the end of each round the
//   round's mean latency is compared with the baseline (the lowest round mean seen so far):
//   - at most 1.5x the baseline: more calls in flight still mean more calls per second (Little's law:
//     throughput = level / latency), so grow: double while no trouble has been seen yet (slow start),
//     and at least to what sends 160 calls a second at the round's latency (8 at 50 ms: slow rounds are
//     few), afterwards +1 per round;
//   - above 2x the baseline + 5 ms in two rounds in a row (a latency jump; one such round may be noise,
//     and it holds): the tenant is queueing; back off to 0.7x the level, but not below half the last
//     level whose round still grew (a busy client raises latency too);
//   - in between: hold (throughput no longer grows).
// - A 429 or 503: halve the level (at least 1); the level that was throttled becomes a ceiling that growth
//   stays below for 20 rounds. Retry-After is honoured: the throttled call is not repeated before it has
//   passed (apply waits it out, outside the level). A Retry-After of 2 s or more also pauses every new call
//   until it has passed: the tenant asks for quiet. A shorter one (the header counts whole seconds, so "1"
//   is the least a server can say, where a 100/s limit has a token again within 10 ms) pauses only the
//   call it answered: the pace below keeps the others under the limit. Answers of calls already in
//   flight when it reacted do not halve it again in the same round. A 429 also says the tenant has a rate
//   limit: from then on calls start at most at 0.95x the rate of answers seen over the last second before
//   it (0.85x when less than a second was seen: a short window overstates the rate) (a limit is a rate, which a level alone can only meet in coarse steps), raised by 1% for each second
//   without a 429 (so a limit is met again about every 5 s, costing a 429 or two, and the pace drops 5%).
//   A later 429 lowers the pace to 0.95x the lower of that rate and the current pace. While paced, the
//   level is not halved below what the pace needs at the baseline latency (pace x latency, plus 1).
//   Every start takes a slot of the pace when it is decided (reserve), so calls that become ready at the
//   same moment (the repeats of one burst of 429s) are spread out, not sent together.
// - Never above `max`, never below 1.

export type LevelReason = 'start' | 'grow' | 'throttled' | 'latency';

export interface LevelChange {
  level: number;
  from: number;
  reason: LevelReason;
  /** For people: "round mean 52 ms (baseline 50 ms)", "429, Retry-After 1000 ms". */
  detail: string;
}

export interface AdaptiveOptions {
  max: number;
  start?: number;
  /** Milliseconds, monotonic (performance.now in use, a fake in tests). */
  now: () => number;
}

const MIN_ROUND = 2;
const GROW_BELOW = 1.5;
/** While doubling, a round also grows the level to what sends this many calls a second at its latency. */
const SLOW_START_RATE = 160;
const JUMP_ABOVE = 2;
const JUMP_MARGIN_MS = 5;
const LATENCY_BACKOFF = 0.7;
const CEILING_ROUNDS = 20;
const RATE_WINDOW_MS = 1000;
const RATE_SHARE = 0.95;
const SHORT_WINDOW_SHARE = 0.85;
const RATE_RAISE_PER_S = 0.01;
/** A Retry-After from this long on pauses every new call, not only the throttled one. */
export const PAUSE_ALL_FROM_MS = 2000;

export class AdaptiveConcurrency {
  private current: number;
  private readonly max: number;
  private readonly now: () => number;
  private slowStart = true;
  private baseline: number | undefined;
  private roundCalls = 0;
  private roundLatency = 0;
  private pausedUntil = 0;
  /** When the last Retry-After pause that has passed ended. */
  private pauseEnd = 0;
  private reactedThisRound = false;
  /** The last round was a latency jump (a second in a row backs off). */
  private jumpedBefore = false;
  /** The last level whose round still grew (a latency back-off stops at half of it). */
  private lastGood = 1;
  private ceiling: number | undefined;
  private ceilingRounds = 0;
  /** When the last second's answers came (for the rate at a 429). */
  private readonly answers: number[] = [];
  private firstAnswerAt: number | undefined;
  /** Calls a second, learnt from a 429; undefined = not paced. */
  private rate: number | undefined;
  private rateSince = 0;
  private nextStartAt = 0;

  constructor(options: AdaptiveOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.current = Math.min(this.max, Math.max(1, Math.floor(options.start ?? 2)));
    this.now = options.now;
  }

  /** Calls that may be in flight now. */
  get level(): number {
    return this.current;
  }

  /** Milliseconds before a new call may start (a long Retry-After being honoured, the pace); 0 = now. */
  pauseMs(): number {
    const now = this.now();
    return Math.max(0, this.pausedUntil - now, this.rate === undefined ? 0 : this.nextStartAt - now);
  }

  /** The pace learnt from a 429 (calls a second), if any. */
  get pace(): number | undefined {
    return this.rate === undefined ? undefined : this.currentRate();
  }

  /**
   * A call is to start: the milliseconds to wait before sending it (a long Retry-After, the pace), its slot
   * taken now, so that the next caller is paced after it. The slot is counted from when the call should
   * start, not from when its timer fires: a timer that fires late lets the next call come sooner.
   */
  reserve(): number {
    const wait = this.pauseMs();
    if (this.rate !== undefined) this.nextStartAt = this.now() + wait + 1000 / this.currentRate();
    return wait;
  }

  private currentRate(): number {
    const seconds = Math.max(0, (this.now() - this.rateSince) / 1000);
    return this.rate! * (1 + RATE_RAISE_PER_S * seconds);
  }

  /** The first line for --verbose and the journal. */
  started(): LevelChange {
    return { level: this.current, from: 0, reason: 'start', detail: `start at ${this.current}, at most ${this.max}` };
  }

  /** A call was answered (not with 429/503) after `latencyMs`. */
  answered(latencyMs: number): LevelChange | undefined {
    const now = this.now();
    this.firstAnswerAt ??= now;
    this.answers.push(now);
    while (this.answers.length > 0 && this.answers[0]! <= now - RATE_WINDOW_MS) this.answers.shift();
    this.roundCalls++;
    this.roundLatency += latencyMs;
    if (this.roundCalls < Math.max(MIN_ROUND, this.current)) return undefined;
    const mean = this.roundLatency / this.roundCalls;
    this.endRound();
    if (this.baseline === undefined || mean < this.baseline) this.baseline = mean;
    if (this.ceiling !== undefined && ++this.ceilingRounds >= CEILING_ROUNDS) this.ceiling = undefined;
    const base = this.baseline;
    const detail = `round mean ${Math.round(mean)} ms (baseline ${Math.round(base)} ms)`;
    const jumped = mean > base * JUMP_ABOVE + JUMP_MARGIN_MS;
    const twice = jumped && this.jumpedBefore;
    this.jumpedBefore = jumped && !twice;
    if (twice) {
      this.slowStart = false;
      // Not below half the last level that still grew: a busy client or machine also raises latency.
      const floor = Math.max(1, Math.floor(this.lastGood / 2));
      return this.set(Math.max(floor, Math.floor(this.current * LATENCY_BACKOFF)), 'latency', `latency jump: ${detail}`);
    }
    if (jumped) {
      this.slowStart = false;
      return undefined; // one round may be noise: a second one in a row backs off
    }
    if (mean <= base * GROW_BELOW) {
      // Doubling, and at least what sends SLOW_START_RATE calls a second at this round's latency: the
      // rounds to the cap cost a latency each, so slow calls climb in fewer of them. A tenant's limit is a
      // rate: the jump sends 160 calls a second, where doubling at 20 ms reaches 200 in its third round.
      const wanted = this.slowStart ? Math.max(this.current * 2, Math.ceil((mean * SLOW_START_RATE) / 1000)) : this.current + 1;
      const limit = Math.min(this.max, this.ceiling === undefined ? this.max : this.ceiling - 1);
      const next = Math.max(this.current, Math.min(wanted, limit));
      this.lastGood = this.current;
      return this.set(next, 'grow', detail);
    }
    this.slowStart = false;
    return undefined;
  }

  /** A call was answered 429 or 503 (Retry-After in ms when the answer gave one). */
  throttled(status: number, retryAfterMs: number | undefined): LevelChange | undefined {
    if (this.pausedUntil <= this.now()) this.pauseEnd = this.pausedUntil;
    if (retryAfterMs !== undefined && retryAfterMs >= PAUSE_ALL_FROM_MS) this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
    this.slowStart = false;
    if (this.reactedThisRound) return undefined;
    this.reactedThisRound = true;
    const now = this.now();
    if (status === 429 && this.firstAnswerAt !== undefined) {
      // The answers of the last second, or since the first answer or the end of the last pause if later
      // (a pause has no answers: it says nothing of the rate).
      const from = Math.max(now - RATE_WINDOW_MS, this.firstAnswerAt - 1, this.pauseEnd);
      const recent = this.answers.filter((t) => t > from).length;
      const span = Math.max(1, now - from);
      const seen = (recent * 1000) / span;
      // Less than a second of answers (a 429 met while still doubling) overstates the rate: a tenant's
      // burst allowance counts for more in a short window. Take a larger margin then.
      const learnt = Math.max(0.5, seen * (span < RATE_WINDOW_MS ? SHORT_WINDOW_SHARE : RATE_SHARE));
      this.rate = this.rate === undefined ? learnt : Math.min(learnt, this.currentRate() * RATE_SHARE);
      this.rateSince = Math.max(now, this.pausedUntil);
      this.nextStartAt = Math.max(this.nextStartAt, this.pausedUntil, now);
    }
    this.ceiling = this.current;
    this.ceilingRounds = 0;
    this.lastGood = 1;
    // Paced, the level need not fall below what the pace keeps in flight at the baseline latency.
    const paced = this.rate !== undefined && this.baseline !== undefined ? Math.ceil((this.currentRate() * this.baseline) / 1000) + 1 : 1;
    const next = Math.max(1, Math.min(this.current, Math.max(paced, Math.floor(this.current / 2))));
    this.endRound();
    this.reactedThisRound = true;
    const said = `${status}${retryAfterMs !== undefined ? `, Retry-After ${retryAfterMs} ms` : ''}${this.rate !== undefined ? `; pace ${this.rate.toFixed(1)}/s` : ''}`;
    const change = this.set(next, 'throttled', said);
    return change ?? { level: next, from: next, reason: 'throttled', detail: `${said} (the level stays: ${next === 1 ? 'it is at 1' : 'the pace needs it'})` };
  }

  private endRound(): void {
    this.roundCalls = 0;
    this.roundLatency = 0;
    this.reactedThisRound = false;
  }

  private set(level: number, reason: LevelReason, detail: string): LevelChange | undefined {
    const from = this.current;
    if (level === from) return undefined;
    this.current = level;
    return { level, from, reason, detail };
  }
}
