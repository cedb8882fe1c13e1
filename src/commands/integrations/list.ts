import type { CommandContext } from '../context.js';
import { rememberIntegrationIds } from '../../config/id-cache.js';
import { INTEGRATION_COLUMNS, maskIntegration } from './shared.js';

interface Options {
  status?: 'running' | 'stopped';
}

export async function run(ctx: CommandContext, _args: unknown[], opts: Options): Promise<void> {
  const client = await ctx.client();
  const all = await client.eventstream.listIntegrations();
  // Every id, not just the filtered ones: shell completion offers all of them.
  rememberIntegrationIds(all.map((i) => i.id));
  const rows = (opts.status ? all.filter((i) => i.status === opts.status) : all).map((i) => maskIntegration(i));
  await ctx.output.list(rows, INTEGRATION_COLUMNS, {
    empty: opts.status
      ? `no ${opts.status} integrations (${all.length} in all)`
      : 'no integrations yet: nsx integrations register ID --callback-url URL',
  });
}
