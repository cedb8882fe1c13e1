// Follows the published events (src/workflows/events/follow.ts): polls, prints the attempts it has not
// printed yet, oldest to newest, until Ctrl-C (exit 130).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { tail } from './tail.js';
import type { CommandContext } from '../context.js';
import { ExitCode, UsageError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import { sleep } from '../../timers.js';
import { matchesPublished, parseSince, selectionFromFlags } from '../../workflows/events/filter.js';
import { PublishedFollower } from '../../workflows/events/follow.js';
import { attemptLine } from './columns.js';
import { sliceWarning } from './slices.js';

const MIN_INTERVAL_MS = 100;

export async function run(ctx: CommandContext, _args: ArgsOf<typeof tail>, opts: OptionsOf<typeof tail>): Promise<void> {
  const now = new Date();
  const selection = selectionFromFlags({ ...opts, since: undefined });
  const since = parseSince(opts.since, now);
  if (since > now.getTime()) throw new UsageError(`--since (${new Date(since).toISOString()}) is in the future`);
  const intervalMs = parseDuration(opts.interval ?? '2s', '--interval');
  if (intervalMs < MIN_INTERVAL_MS) throw new UsageError(`--interval must be at least ${MIN_INTERVAL_MS}ms`);

  const client = await ctx.client();
  ctx.handleInterrupts();
  const started = Date.now();
  const follower = new PublishedFollower(client.eventstream, selection.server, {
    since,
    matches: (e) => matchesPublished(e, selection),
    onIncomplete: (slice, n) => ctx.output.warn(sliceWarning(slice, n)),
  });
  let printed = 0;
  try {
    for (;;) {
      const fresh = await follower.poll(Date.now(), ctx.signal);
      for (const e of fresh) ctx.output.object(e, () => attemptLine(ctx.output, e));
      printed += fresh.length;
      await ctx.output.drain();
      await sleep(intervalMs, ctx.signal);
    }
  } catch (error) {
    // Ctrl-C is how a tail normally ends: a line for people, exit 130, no "error:".
    if (ctx.signal.aborted) {
      ctx.output.info(`stopped following published events after ${formatDuration(Date.now() - started)} (${printed} attempts printed)`);
      ctx.setExitCode(ExitCode.interrupted);
      return;
    }
    throw error;
  }
}
