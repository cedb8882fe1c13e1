import type { ArgsOf, OptionsOf } from '../define.js';
import type { stop } from './stop.js';
import type { CommandContext } from '../context.js';
import { integrationIsStopped } from '../../api/schemas.js';
import { confirm } from '../../output/prompts.js';
import { describeDestination, reportIntegration } from './shared.js';
import { parseIntegrationId } from '../../input/ids.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof stop>, opts: OptionsOf<typeof stop>): Promise<void> {
  const id = parseIntegrationId(rawId);
  await ctx.announce();
  const client = await ctx.client();
  const before = await client.eventstream.getIntegration(id);
  if (integrationIsStopped(before)) {
    reportIntegration(ctx, before, `${id} is already stopped: nothing to do`);
    return;
  }
  const target = describeDestination(before);
  ctx.output.notice(
    `Stopping ${id} halts the events flowing to ${target || 'its destination'} until someone runs: ${ctx.command('integrations', 'start', id)}`,
  );
  await confirm(ctx.output, `Stop ${id}?`, { yes: opts.yes });
  await client.eventstream.stopIntegration(id);
  const after = await client.eventstream.getIntegration(id);
  reportIntegration(ctx, after, `stopped ${id}: no events go to ${target}; NewStore keeps them until ${ctx.command('integrations', 'start', id)}`);
}
