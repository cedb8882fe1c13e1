// nsx stock range <events-file|->: the logical-timestamp range per fulfillment node an import should state,
// from captured items_completed events (see src/workflows/stock/range.ts for what counts and why gaps matter).
import type { ArgsOf } from '../define.js';
import type { range } from './range.js';
import type { CommandContext } from '../context.js';
import { readRanges, type RangeRow } from '../../workflows/stock/range.js';

export async function run(ctx: CommandContext, [file]: ArgsOf<typeof range>): Promise<void> {
  const source = String(file);
  const report = await readRanges(source, ctx.io.stdin);
  const output = ctx.output;
  if (output.isJson) output.object(report, () => '');
  else {
    const rows = report.all && report.nodes.length > 1 ? [...report.nodes, report.all] : report.nodes;
    await output.list(
      rows,
      [
        { header: 'NODE', value: (r: RangeRow) => r.fulfillment_node_id },
        { header: 'FROM', value: (r) => r.from },
        { header: 'TO', value: (r) => r.to },
        { header: 'EVENTS', value: (r) => r.events },
        { header: 'UNSEEN', value: (r) => r.unseen ?? '?' },
        { header: 'GAP-FREE-TO', value: (r) => r.gap_free_to ?? '-' },
      ],
      { empty: `no ${'fulfillment_request.items_completed'} events in ${source === '-' ? 'stdin' : source}` },
    );
  }
  output.info(
    `${report.lines} records: ${report.completed} shipments, ${report.duplicates} duplicates ignored, ${report.other_events} other events`,
  );
  for (const row of report.nodes.length > 1 && report.all ? [...report.nodes, report.all] : report.nodes) {
    const who = row.fulfillment_node_id === '*' ? 'all nodes' : row.fulfillment_node_id;
    if (row.unseen === null) output.warn(`${who}: timestamps ${row.from}-${row.to} are too far apart to check for gaps`);
    else if (row.unseen > 0) {
      const first = row.unseen_first.join(', ');
      output.warn(
        `${who}: ${row.unseen} logical timestamp(s) inside ${row.from}-${row.to} were in no captured event (${first}${row.unseen > row.unseen_first.length ? ', …' : ''}); ` +
          (row.gap_free_to !== null ? `--range ${row.from}-${row.gap_free_to} stays below the first of them` : 'the first shipment is already past a gap'),
      );
    }
  }
  if (report.all) output.info(`state it with: ${ctx.command('stock', 'import', 'FILE', '--range', `${report.all.from}-${report.all.to}`)}`);
}
