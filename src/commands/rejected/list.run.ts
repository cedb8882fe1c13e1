import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import type { RejectedEvent } from '../../api/schemas.js';
import { ExitCode, PartialFailureError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { describeFilter, isEmptyFilter, matchesRejected, rejectedFilterWords, type EventFilter, type FilterFlagValues } from '../../workflows/filters.js';
import { REJECTED_COLUMNS, rejectedFilter } from './shared.js';
import { nsxCommand } from '../../hints.js';

/** The events the filter keeps (without a filter, the stream itself: no extra hop per event). */
export function filteredRejected(events: AsyncIterable<RejectedEvent>, filter: EventFilter): AsyncIterable<RejectedEvent> {
  if (isEmptyFilter(filter)) return events;
  return (async function* () {
    for await (const event of events) if (matchesRejected(event, filter)) yield event;
  })();
}

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const filter = rejectedFilter(opts);
  const api = (await ctx.client()).eventstream;
  const filtered = isEmptyFilter(filter) ? '' : ` matching ${describeFilter(filter)}`;
  if (opts.failIfAny && ctx.output.quiet) {
    // Like grep -q: nothing on stdout or stderr, only the exit code; the first match settles it.
    for await (const _ of filteredRejected(api.rejectedEvents(id), filter)) {
      ctx.setExitCode(ExitCode.partial);
      return;
    }
    return;
  }
  const count = await ctx.output.list(filteredRejected(api.rejectedEvents(id), filter), REJECTED_COLUMNS, {
    empty: `no rejected events for ${id}${filtered}`,
  });
  if (opts.failIfAny && count > 0) {
    throw new PartialFailureError(`${count} rejected event${count === 1 ? '' : 's'} for ${id}${filtered} (--fail-if-any)`, {
      hint: `retry them: ${nsxCommand('rejected', 'retry', id, '--all', rejectedFilterWords(opts), '--yes')}; or see what a recover would do: ${nsxCommand('recover', id, '--dry-run')}`,
    });
  }
}
