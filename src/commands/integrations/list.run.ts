import type { ArgsOf, OptionsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import { rememberIntegrationIds } from '../../config/id-cache.js';
import { INTEGRATION_COLUMNS, maskIntegration } from './shared.js';
import { statusIs } from '../../api/schemas.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof list>, opts: OptionsOf<typeof list>): Promise<void> {
  // The list is read whole before it prints: an unknown --fields name is refused before the request.
  ctx.output.chooseColumns(INTEGRATION_COLUMNS);
  const client = await ctx.client();
  // An entry nsx cannot read (no id) is named on stderr; the others are listed.
  const all = await client.eventstream.listIntegrations({ onUnreadable: (where) => ctx.output.warn(`skipped an entry nsx cannot read: ${where}`) });
  // Every id, not just the filtered ones: shell completion offers all of them.
  rememberIntegrationIds(ctx.globals, all.map((i) => i.id));
  const rows = (opts.status ? all.filter((i) => statusIs(i.status, opts.status!)) : all).map((i) => maskIntegration(i));
  await ctx.output.list(rows, INTEGRATION_COLUMNS, {
    empty: opts.status
      ? `no ${opts.status} integrations (${all.length} in all)`
      : `no integrations yet: ${ctx.command('integrations', 'register', 'ID', '--callback-url', 'URL')}`,
  });
}
