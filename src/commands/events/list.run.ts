import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import type { PublishedEvent } from '../../api/schemas.js';
import { setFlagsFromString } from 'node:v8';
import { parseWholeNumber } from '../../input/numbers.js';
import { matchesPublished, selectionFromFlags, windowOf, type PublishedSelection } from '../../workflows/events/filter.js';
import { readPublishedEvents, type Slice } from '../../workflows/events/read.js';
import { attemptColumns } from './columns.js';
import { sliceWarning } from './slices.js';

const DAY_MS = 86_400_000;

export async function run(ctx: CommandContext, _args: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  const selection = selectionFromFlags(opts);
  const limit = opts.limit === undefined ? undefined : parseWholeNumber(opts.limit, '--limit', { min: 1 });
  const window = windowOf(selection, Date.now(), DAY_MS);
  const client = await ctx.client();
  // A long stream allocates a lot and keeps little: V8's young generation pinned at its starting size (as
  // logs list does) keeps the peak RSS of a day of attempts well under bench/events.mjs's goal.
  setFlagsFromString('--semi-space-growth-factor=1');
  const attempts = readPublishedEvents(client.eventstream, window, selection.server, {
    signal: ctx.signal,
    onSplit: (slice, n) => ctx.output.debug(`published events ${describeSlice(slice)}: ${n} attempts, read again in two halves`),
    onIncomplete: (slice, n) => ctx.output.warn(sliceWarning(slice, n)),
  });
  await ctx.output.list(selected(attempts, selection, limit), attemptColumns(ctx.output), {
    empty: `no delivery attempts from ${new Date(window.from).toISOString()} to ${new Date(window.to - 1).toISOString()} match`,
  });
}

function describeSlice(s: Slice): string {
  return `${new Date(s.from).toISOString()}..${new Date(s.to).toISOString()}`;
}

async function* selected(attempts: AsyncIterable<PublishedEvent>, selection: PublishedSelection, limit: number | undefined): AsyncGenerator<PublishedEvent> {
  let emitted = 0;
  for await (const e of attempts) {
    if (!matchesPublished(e, selection)) continue;
    yield e;
    if (++emitted === limit) return;
  }
}
