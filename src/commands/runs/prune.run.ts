import type { ArgsOf, OptionsOf } from '../define.js';
import type { prune } from './prune.js';
import type { CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { parseDuration } from '../../input/time.js';
import { confirm } from '../../output/prompts.js';
import { deleteRun, pruneCandidates, type PruneCandidate } from '../../workflows/runs/history.js';
import { RUN_COLUMNS } from './shared.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof prune>, opts: OptionsOf<typeof prune>): Promise<void> {
  const olderThanMs = parseDuration(opts.olderThan, '--older-than');
  if (olderThanMs <= 0) throw new UsageError('--older-than must be longer than 0');
  const dir = stateDir();
  const runs = pruneCandidates({ stateDir: dir, olderThanMs });
  const columns = [...RUN_COLUMNS, { header: 'LAST_WRITTEN', value: (r: PruneCandidate) => r.last_written_at }];
  if (runs.length === 0) {
    if (ctx.output.isJson) ctx.output.object({ dry_run: Boolean(opts.dryRun), deleted: [] }, () => '');
    else ctx.output.info(`no runs last written more than ${opts.olderThan} ago`);
    return;
  }
  if (!opts.dryRun) {
    ctx.output.notice(`${runs.length} run(s) last written more than ${opts.olderThan} ago: their journals and plans in ${dir}/runs are deleted (this cannot be undone).`);
    await confirm(ctx.output, `Delete ${runs.length} run(s)?`, { yes: opts.yes });
    for (const r of runs) deleteRun(dir, r.run_id);
  }
  if (ctx.output.isJson) ctx.output.object({ dry_run: Boolean(opts.dryRun), deleted: runs }, () => '');
  else await ctx.output.list(runs, columns);
  if (opts.dryRun) ctx.output.info(`${runs.length} run(s) would be deleted (dry run: nothing was)`);
  else ctx.output.success(`deleted ${runs.length} run(s)`);
}
