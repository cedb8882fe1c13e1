import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import { ExitCode, PartialFailureError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { describeFilter, isEmptyFilter, rejectedFilterWords } from '../../workflows/filters.js';
import { readRejected } from '../../workflows/rejected/listing.js';
import { REJECTED_COLUMNS, rejectedFilter } from './shared.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const filter = rejectedFilter(opts);
  const api = (await ctx.client()).eventstream;
  const filtered = isEmptyFilter(filter) ? '' : ` matching ${describeFilter(filter)}`;
  if (opts.failIfAny && ctx.output.quiet) {
    // Like grep -q: nothing on stdout or stderr, only the exit code; the first match settles it.
    for await (const _ of readRejected(api, id, { filter })) {
      ctx.setExitCode(ExitCode.partial);
      return;
    }
    return;
  }
  const count = await ctx.output.list(readRejected(api, id, { filter }), REJECTED_COLUMNS, {
    empty: `no rejected events for ${id}${filtered}`,
  });
  if (opts.failIfAny && count > 0) {
    throw new PartialFailureError(`${count} rejected event${count === 1 ? '' : 's'} for ${id}${filtered} (--fail-if-any)`, {
      hint: `retry them: ${ctx.command('rejected', 'retry', id, '--all', rejectedFilterWords(opts), '--yes')}; or see what a recover would do: ${ctx.command('recover', id, '--dry-run')}`,
    });
  }
}
