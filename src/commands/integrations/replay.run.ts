// NewStore's replay-by-date: a temporary integration (starts_at + ends_at) that re-delivers the events
// created in that window and then stops by itself. --wait polls until it has stopped.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { replay } from './replay.js';
import type { CommandContext } from '../context.js';
import type { ApiClient } from '../../api/client.js';
import type { Integration, LogEntry } from '../../api/schemas.js';
import { integrationIsStopped, statusName } from '../../api/schemas.js';
import { InterruptedError, PartialFailureError, PreconditionError, UsageError } from '../../errors.js';
import { formatDuration, parseDuration, parseInstant } from '../../input/time.js';
import {
  destinationFromFlags,
  filterConditionsFromFlags,
  registerChecked,
  validatedRequest,
} from './register-request.js';
import { describeDestination, maskIntegration } from './shared.js';
import { sleep } from '../../timers.js';
import { parseIntegrationId } from '../../input/ids.js';

/** Clocks differ a little; a window ending up to a minute "in the future" is still a past window. */
const FUTURE_TOLERANCE_MS = 60_000;

export async function run(ctx: CommandContext, _args: ArgsOf<typeof replay>, opts: OptionsOf<typeof replay>): Promise<void> {
  const now = new Date();
  const since = parseInstant(opts.since, '--since', now);
  const until = parseInstant(opts.until ?? 'now', '--until', now);
  if (since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  if (until.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new UsageError(
      `--until (${until.toISOString()}) is in the future: a replay re-delivers past events (for a time-boxed live feed use nsx integrations register ID --starts-at ... --ends-at ...)`,
    );
  }
  if (!opts.wait && (opts.waitTimeout !== undefined || opts.interval !== undefined)) {
    throw new UsageError('--wait-timeout and --interval only apply with --wait');
  }
  const waitTimeoutMs = parseDuration(opts.waitTimeout ?? '30m', '--wait-timeout');
  const intervalMs = parseDuration(opts.interval ?? '5s', '--interval');
  if (intervalMs <= 0 || waitTimeoutMs <= 0) throw new UsageError('--interval and --wait-timeout must be greater than 0');
  const chosenId = opts.id !== undefined ? parseIntegrationId(opts.id, '--id') : undefined;
  const filter = filterConditionsFromFlags(opts);
  const request = validatedRequest({
    id: chosenId ?? `replay-${since.toISOString().slice(0, 10)}`,
    integration_type: 'temporary',
    starts_at: since.toISOString(),
    ends_at: until.toISOString(),
    ...(await destinationFromFlags(opts, ctx.output, ctx.io.env)),
    ...(filter ? { filter_conditions: filter } : {}),
  });

  await ctx.announce();
  const client = await ctx.client();
  const created = await registerChecked(ctx, client, request, { renameIfTaken: chosenId === undefined });
  const window = `${request.starts_at} .. ${request.ends_at}`;
  ctx.output.success(`registered temporary integration ${created.id}: replaying events of ${window} to ${describeDestination(created)}`);
  if (!opts.wait) {
    ctx.output.info(`it stops by itself when done; follow it with: ${ctx.command('logs', 'tail', created.id, '--until-stopped')}`);
    if (ctx.output.isJson) ctx.output.object(maskIntegration(created), () => '');
    return;
  }

  const finished = await waitUntilStopped(ctx, created, intervalMs, waitTimeoutMs);
  if (ctx.output.isJson) ctx.output.object(maskIntegration(finished), () => '');
  // A temporary integration also stops when delivery keeps failing; its newest log entry tells which.
  const last = await newestLogEntry(client, created.id);
  if (last?.level === 'error') {
    throw new PartialFailureError(`replay ${created.id} stopped before the end of its window: ${last.message}`, {
      hint: `fix the receiver, then resume it: ${ctx.command('integrations', 'start', created.id)}`,
    });
  }
  ctx.output.success(`replay ${created.id} finished: the integration has stopped${last ? ` (${last.message})` : ''}`);
}

async function newestLogEntry(client: ApiClient, id: string): Promise<LogEntry | undefined> {
  for await (const entry of client.eventstream.logs(id, { pageSize: 1 })) return entry;
  return undefined;
}

async function waitUntilStopped(ctx: CommandContext, created: Integration, intervalMs: number, timeoutMs: number): Promise<Integration> {
  ctx.handleInterrupts();
  const client = await ctx.client();
  const started = Date.now();
  const progress = await ctx.output.spinner(`replay ${created.id}: running`);
  let current = created;
  try {
    while (!integrationIsStopped(current)) {
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        progress.fail(`replay ${created.id}: still ${statusName(current.status)} after ${formatDuration(waited)}`);
        throw new PreconditionError(`replay ${created.id} is still ${statusName(current.status)} after ${formatDuration(waited)} (--wait-timeout)`, {
          hint: `it goes on in NewStore; check later with: ${ctx.command('integrations', 'get', created.id)}`,
        });
      }
      await sleep(Math.min(intervalMs, timeoutMs - waited), ctx.signal);
      current = await client.eventstream.getIntegration(created.id);
      progress.update(`replay ${created.id}: ${statusName(current.status)} (${formatDuration(Date.now() - started)})`);
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      progress.stop();
      throw new InterruptedError(`stopped waiting: replay ${created.id} goes on in NewStore (${ctx.command('integrations', 'get', created.id)})`);
    }
    throw error;
  }
  progress.stop();
  return current;
}
