// Follows an integration's log: polls, prints entries it has not printed yet (oldest to newest within
// each poll, de-duplicated by id), until Ctrl-C (exit 130) or, with --until-stopped, until the
// integration is stopped (exit 7: an alerting script's signal).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { tail } from './tail.js';
import { parseWholeNumber } from '../../input/numbers.js';
import type { CommandContext } from '../context.js';
import type { ApiClient } from '../../api/client.js';
import type { LogEntry } from '../../api/schemas.js';
import { statusIs } from '../../api/schemas.js';
import { ExitCode, PreconditionError, UsageError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import { filterFromFlags, matchesLog, type EventFilter } from '../../workflows/filters.js';
import { sleep } from '../../timers.js';
import { parseIntegrationId } from '../../input/ids.js';
import { logLine } from './columns.js';

const MIN_INTERVAL_MS = 100;
/** Ids remembered to recognise entries already printed; far more than one poll ever brings. */
const REMEMBERED_IDS = 20_000;
/** The first poll looks this far back for the --lines backlog, so a rare --level does not read the whole log. */
const BACKLOG_SCAN = 1_000;

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof tail>, opts: OptionsOf<typeof tail>): Promise<void> {
  const id = parseIntegrationId(rawId);
  if (opts.until !== undefined) throw new UsageError('--until does not apply to logs tail (it follows new entries); use nsx logs list --until');
  const filter = filterFromFlags(opts);
  const intervalMs = parseDuration(opts.interval ?? '2s', '--interval');
  if (intervalMs < MIN_INTERVAL_MS) throw new UsageError(`--interval must be at least ${MIN_INTERVAL_MS}ms`);
  const backlog = opts.lines === undefined ? 10 : parseWholeNumber(opts.lines, '--lines', { min: 0 });

  const client = await ctx.client();
  ctx.handleInterrupts();
  const follower = new LogFollower(client, id, filter);
  try {
    let status = (await client.eventstream.getIntegration(id)).status;
    let first = true;
    for (;;) {
      const entries = await follower.poll(ctx.signal, first ? backlog : undefined);
      for (const entry of entries) ctx.output.object(entry, () => logLine(ctx.output, entry));
      await ctx.output.drain();
      if (opts.untilStopped && statusIs(status, 'stopped')) {
        throw new PreconditionError(`${id} is stopped`, { hint: `see why above, or: ${ctx.command('integrations', 'get', id)}` });
      }
      first = false;
      await sleep(intervalMs, ctx.signal);
      // The status is read before the logs so that the entries leading up to a stop are printed first.
      if (opts.untilStopped) status = (await client.eventstream.getIntegration(id)).status;
    }
  } catch (error) {
    // Ctrl-C is how a tail normally ends: a line for people, exit 130, no "error:".
    if (ctx.signal.aborted) {
      ctx.output.info(`stopped following ${id} after ${formatDuration(follower.elapsedMs())}`);
      ctx.setExitCode(ExitCode.interrupted);
      return;
    }
    throw error;
  }
}

/** Remembers what was seen; each poll reads newest-first only down to the first entry already seen. */
export class LogFollower {
  private readonly seen = new Map<string, true>();
  private newestSeenAt = Number.NEGATIVE_INFINITY;
  private readonly started = Date.now();

  constructor(
    private readonly client: ApiClient,
    private readonly id: string,
    private readonly filter: EventFilter,
  ) {}

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  /**
   * New matching entries, oldest first. The first poll (given `backlog`) returns at most that many of the
   * newest and marks the rest as seen; later polls return everything new.
   */
  async poll(signal: AbortSignal, backlog?: number): Promise<LogEntry[]> {
    const firstPoll = backlog !== undefined;
    const limit = backlog ?? Number.POSITIVE_INFINITY;
    const fresh: LogEntry[] = [];
    const matching: LogEntry[] = [];
    const pollSeen = new Set<string>();
    let newest = this.newestSeenAt;
    for await (const entry of this.client.eventstream.logs(this.id, { signal })) {
      if (this.seen.has(entry.id)) break; // everything older was read by an earlier poll
      const at = Date.parse(entry.created_at);
      // A safety net if the boundary entry is gone: nothing older than what was already seen is new.
      if (at < this.newestSeenAt) break;
      if (pollSeen.has(entry.id)) continue; // offset pages shift when entries arrive mid-poll
      pollSeen.add(entry.id);
      fresh.push(entry);
      if (at > newest) newest = at;
      if (matchesLog(entry, this.filter) && matching.length < limit) matching.push(entry);
      if (firstPoll && (matching.length >= limit || fresh.length >= BACKLOG_SCAN) && fresh.length > 0) break;
      if (this.filter.since && at < this.filter.since.getTime()) break;
    }
    for (const entry of fresh) this.remember(entry.id);
    this.newestSeenAt = newest;
    return matching.reverse();
  }

  private remember(id: string): void {
    this.seen.set(id, true);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.keys().next().value!);
  }
}
