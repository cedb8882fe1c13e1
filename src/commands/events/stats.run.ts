// Sums the attempts of a window per event, integration or hour (src/workflows/events/stats.ts).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { stats } from './stats.js';
import type { CommandContext } from '../context.js';
import type { Column, Output } from '../../output/output.js';
import { matchesPublished, selectionFromFlags, windowOf } from '../../workflows/events/filter.js';
import { readPublishedEvents } from '../../workflows/events/read.js';
import { StatsCollector, type GroupStats, type StatsGrouping } from '../../workflows/events/stats.js';
import { sliceWarning } from './slices.js';

const DAY_MS = 86_400_000;
const BAR_WIDTH = 20;

export async function run(ctx: CommandContext, _args: ArgsOf<typeof stats>, opts: OptionsOf<typeof stats>): Promise<void> {
  const selection = selectionFromFlags(opts);
  const by: StatsGrouping = opts.by ?? 'event';
  const window = windowOf(selection, Date.now(), DAY_MS);
  const client = await ctx.client();
  const collector = new StatsCollector(by, window);
  for await (const e of readPublishedEvents(client.eventstream, window, selection.server, {
    signal: ctx.signal,
    onIncomplete: (slice, n) => ctx.output.warn(sliceWarning(slice, n)),
  })) {
    if (matchesPublished(e, selection)) collector.add(e);
  }
  const rows = collector.result();
  const total = collector.total();
  const from = new Date(window.from).toISOString();
  const to = new Date(window.to - 1).toISOString();
  ctx.output.info(`${total.attempts} attempts from ${from} to ${to}: ${total.success} succeeded, ${total.failure} failed${total.failure_rate === null ? '' : ` (${percent(total.failure_rate)})`}`);
  await ctx.output.list(rows, statsColumns(ctx.output, by, rows), { empty: `no delivery attempts from ${from} to ${to} match` });
}

const percent = (rate: number | null): string => (rate === null ? '' : `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`);

/** A bar of the row's attempts against the busiest row's: successes in full blocks, failures in shaded ones (red). */
function bar(output: Output, row: GroupStats, max: number): string {
  if (max === 0 || row.attempts === 0) return '';
  const cells = Math.max(1, Math.round((row.attempts / max) * BAR_WIDTH));
  // Any failure shows as a cell, unless the row is one cell and has successes too.
  let failed = row.failure === 0 ? 0 : Math.max(1, Math.round((row.failure / row.attempts) * cells));
  if (row.success > 0 && failed >= cells) failed = cells - 1;
  return output.style.green('█'.repeat(cells - failed)) + output.style.red('▒'.repeat(failed));
}

function statsColumns(output: Output, by: StatsGrouping, rows: GroupStats[]): Column<GroupStats>[] {
  const columns: Column<GroupStats>[] = [
    { header: by.toUpperCase(), value: (r) => r.group },
    { header: 'ATTEMPTS', value: (r) => r.attempts },
    { header: 'SUCCESS', value: (r) => r.success },
    { header: 'FAILURE', value: (r) => r.failure },
    { header: 'FAILURE_RATE', value: (r) => (output.mode === 'tsv' ? (r.failure_rate ?? '') : percent(r.failure_rate)) },
    { header: 'P50_MS', value: (r) => r.p50_ms },
    { header: 'P95_MS', value: (r) => r.p95_ms },
    { header: 'MAX_MS', value: (r) => r.max_ms },
  ];
  // The bar is for people: a terminal's table only, never tsv or json.
  if (output.mode === 'table' && output.stdoutIsTTY) {
    const max = rows.reduce((m, r) => Math.max(m, r.attempts), 0);
    columns.push({ header: '', value: (r) => bar(output, r, max) });
  }
  return columns;
}
