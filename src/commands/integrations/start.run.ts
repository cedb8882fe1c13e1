import type { ArgsOf } from '../define.js';
import type { start } from './start.js';
import type { CommandContext } from '../context.js';
import type { ApiClient } from '../../api/client.js';
import { integrationIsRunning } from '../../api/schemas.js';
import { describeDestination, reportIntegration } from './shared.js';
import { parseIntegrationId } from '../../input/ids.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof start>): Promise<void> {
  const id = parseIntegrationId(rawId);
  await ctx.announce();
  const client = await ctx.client();
  const before = await client.eventstream.getIntegration(id);
  if (integrationIsRunning(before)) {
    reportIntegration(ctx, before, `${id} is already running: nothing to do`);
    return;
  }
  await client.eventstream.startIntegration(id);
  const after = await client.eventstream.getIntegration(id);
  reportIntegration(ctx, after, `started ${id}: delivery to ${describeDestination(after)} resumes where it stopped`);
  if (await hasRejectedEvents(client, id)) {
    ctx.output.warn(
      `${id} has rejected events waiting: if it stopped at the rejected-events limit it stops again at the next rejection (see ${ctx.command('rejected', 'list', id)}; ${ctx.command('recover', id)} clears them in order)`,
    );
  }
}

/** One small page is enough to know; a failure here must not turn a successful start into an error. */
async function hasRejectedEvents(client: ApiClient, id: string): Promise<boolean> {
  try {
    for await (const _ of client.eventstream.rejectedEvents(id, { pageSize: 1 })) return true;
  } catch {
    /* advisory only */
  }
  return false;
}
