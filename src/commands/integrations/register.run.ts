import type { ArgsOf, OptionsOf } from '../define.js';
import type { register } from './register.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { parseFutureInstant, parseInstant } from '../../input/time.js';
import {
  destinationFromFlags,
  filterConditionsFromFlags,
  registerChecked,
  validatedRequest,
} from './register-request.js';
import { describeDestination, reportIntegration } from './shared.js';
import { statusName } from '../../api/schemas.js';
import { parseIntegrationId } from '../../input/ids.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof register>, opts: OptionsOf<typeof register>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const now = new Date();
  // A relative --starts-at looks back ("7d" = seven days ago: replay from then); a relative --ends-at
  // looks ahead ("2h" = two hours from now: deliver until then).
  const startsAt = opts.startsAt === undefined ? undefined : parseInstant(opts.startsAt, '--starts-at', now);
  const endsAt = opts.endsAt === undefined ? undefined : parseFutureInstant(opts.endsAt, '--ends-at', now);
  if (endsAt && !startsAt) throw new UsageError('--ends-at needs --starts-at (together they make a temporary integration)');
  if (startsAt && endsAt && endsAt <= startsAt) {
    throw new UsageError(`--ends-at (${endsAt.toISOString()}) must be after --starts-at (${startsAt.toISOString()})`);
  }
  const filter = filterConditionsFromFlags(opts);
  const request = validatedRequest({
    id,
    ...(endsAt ? { integration_type: 'temporary' as const } : {}),
    ...(startsAt ? { starts_at: startsAt.toISOString() } : {}),
    ...(endsAt ? { ends_at: endsAt.toISOString() } : {}),
    ...(await destinationFromFlags(opts, ctx.output, ctx.io.env)),
    ...(filter ? { filter_conditions: filter } : {}),
  });

  await ctx.announce();
  const client = await ctx.client();
  const created = await registerChecked(ctx, client, request);
  const until = created.ends_at ? ` until ${created.ends_at}` : '';
  reportIntegration(ctx, created, `registered ${created.id} (${statusName(created.status)}): events go to ${describeDestination(created)}${until}`);
}
