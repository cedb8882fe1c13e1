import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import { parseIntegrationId } from '../../input/ids.js';
import { listRunHistory, type RunStatus } from '../../workflows/runs/history.js';
import { RUN_COLUMNS } from './shared.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  const integration = opts.integration === undefined ? undefined : parseIntegrationId(opts.integration, '--integration');
  const tenant = ctx.globals.tenant || undefined;
  const runs = listRunHistory({
    stateDir: stateDir(),
    ...(integration !== undefined ? { integration } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(opts.status !== undefined ? { status: opts.status as RunStatus } : {}),
  });
  const filtered = [integration && `of ${integration}`, tenant && `of tenant ${tenant}`, opts.status && `with status ${opts.status}`].filter(Boolean).join(' ');
  await ctx.output.list(runs, RUN_COLUMNS, { empty: filtered ? `no runs ${filtered} in the state dir` : 'no runs in the state dir yet (recover, rejected triage and rejected retry/delete write them)' });
}
