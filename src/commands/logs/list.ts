import type { CommandContext } from '../context.js';
import type { LogEntry } from '../../api/schemas.js';
import { UsageError } from '../../errors.js';
import { describeFilter, filterFromFlags, isEmptyFilter, matchesLog, type EventFilter, type FilterFlagValues } from '../../workflows/filters.js';
import { notFoundAsMessage } from '../integrations/shared.js';
import { parseIntegrationId } from '../../input/ids.js';
import { LOG_COLUMNS } from './columns.js';

interface Options extends FilterFlagValues {
  limit?: string;
}

export async function run(ctx: CommandContext, [rawId]: unknown[], opts: Options): Promise<void> {
  const id = parseIntegrationId(rawId);
  const filter = filterFromFlags(opts);
  const limit = opts.limit === undefined ? undefined : parseLimit(opts.limit);
  const client = await ctx.client();
  const entries = selectLogs(client.eventstream.logs(id), filter, limit);
  try {
    await ctx.output.list(entries, LOG_COLUMNS, {
      empty: isEmptyFilter(filter) ? `no log entries for ${id}` : `no log entries of ${id} match ${describeFilter(filter)}`,
    });
  } catch (error) {
    throw notFoundAsMessage(error, id);
  }
}

/**
 * The matching entries, newest first, as the pages arrive. Entries come newest first, so the first one
 * older than --since ends the listing: the pages after it cannot match and are never fetched.
 */
export async function* selectLogs(entries: AsyncIterable<LogEntry>, filter: EventFilter, limit?: number): AsyncGenerator<LogEntry> {
  let emitted = 0;
  const since = filter.since?.getTime();
  for await (const entry of entries) {
    if (since !== undefined && Date.parse(entry.created_at) < since) return;
    if (!matchesLog(entry, filter)) continue;
    yield entry;
    if (++emitted === limit) return;
  }
}

export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`--limit: "${text}" is not a positive whole number`);
  return Number(text);
}
