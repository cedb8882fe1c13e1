// nsx sandbox reset: forgets everything in the running sandbox and seeds a scenario again.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { reset } from './reset.js';
import type { CommandContext } from '../context.js';
import { admin, sandboxUrl } from './shared.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof reset>, opts: OptionsOf<typeof reset>): Promise<void> {
  const base = sandboxUrl(opts.url);
  const info = await admin<{ scenario: string; counts: Record<string, number> }>(base, 'POST', '/reset', opts.scenario ? { scenario: opts.scenario } : {});
  ctx.output.object(info, () => `integrations ${info.counts.integrations}, events ${info.counts.events}`);
  ctx.output.success(`sandbox at ${base} reset${opts.scenario ? ` to scenario ${opts.scenario}` : ''}`);
}
