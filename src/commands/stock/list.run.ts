// nsx stock list [--state S]: NewStore's import jobs (GET /v0/d/import, filter[state]); whole jobs in json.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import type { ImportJob } from '../../api/schemas.js';
import type { Column } from '../../output/output.js';

const dash = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : v);

export const IMPORT_COLUMNS: Column<ImportJob>[] = [
  { header: 'IMPORT_ID', value: (j) => j.import_id },
  { header: 'STATE', value: (j) => j.state },
  { header: 'NAME', value: (j) => dash(j.name), maxWidth: 48 },
  { header: 'PROVIDER', value: (j) => dash(j.provider) },
  { header: 'RECEIVED_AT', value: (j) => dash(j.received_at) },
  { header: 'COMPLETED_AT', value: (j) => dash(j.completed_at) },
  { header: 'REASON', value: (j) => dash(j.reason), maxWidth: 60 },
];

export async function run(ctx: CommandContext, _args: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  const client = await ctx.client();
  const { jobs, total } = await client.imports.listImports({ state: opts.state });
  await ctx.output.list(jobs, IMPORT_COLUMNS, { empty: opts.state ? `no ${opts.state} import jobs` : 'no import jobs' });
  // The list is read in one call (its pagination is not documented): say when NewStore holds more.
  if (total !== undefined && total > jobs.length) ctx.output.warn(`NewStore answered ${jobs.length} of ${total} jobs (the first page)`);
}
