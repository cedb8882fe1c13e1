// nsx sandbox reset: forgets everything in the running sandbox and seeds a scenario again.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { reset } from './reset.js';
import type { CommandContext } from '../context.js';
import { sandboxAdmin } from './running-sandbox.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof reset>, opts: OptionsOf<typeof reset>): Promise<void> {
  const sandbox = sandboxAdmin(opts.url, ctx.io.env);
  const info = await sandbox.reset<{ scenario: string; counts: Record<string, number> }>(opts.scenario ? { scenario: opts.scenario } : {});
  ctx.output.object(info, () => `integrations ${info.counts.integrations}, events ${info.counts.events}`);
  ctx.output.success(`sandbox at ${sandbox.baseUrl} reset${opts.scenario ? ` to scenario ${opts.scenario}` : ''}`);
}
