// nsx sandbox emit: publishes synthetic events through the running sandbox's admin API.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { emit } from './emit.js';
import { parseRate } from '../../input/numbers.js';
import type { CommandContext } from '../context.js';
import { isPositiveInt, parseNumber } from './numbers.js';
import { sandboxAdmin } from './running-sandbox.js';

interface EmitResult {
  emitted: number;
  first_seq: number | null;
  last_seq: number | null;
  events: { id: string; name: string; payload_id: string | null }[];
}

export async function run(ctx: CommandContext, _args: ArgsOf<typeof emit>, opts: OptionsOf<typeof emit>): Promise<void> {
  const count = parseNumber(opts.count, '--count', isPositiveInt, 'a positive whole number') ?? 10;
  const rate = opts.rate === undefined ? undefined : parseRate(opts.rate);
  const sandbox = sandboxAdmin(opts.url, ctx.io.env);
  ctx.handleInterrupts();
  if (rate) ctx.output.info(`emitting ${count} events at ${rate}/s to ${sandbox.baseUrl} (about ${Math.ceil(count / rate)} s)`);
  const result = await sandbox.emit<EmitResult>(
    { count, ...(rate ? { rate } : {}), ...(opts.events ? { names: opts.events } : {}), ...(opts.unknownProduct ? { unknown_product: true } : {}) },
    ctx.signal,
  );
  await ctx.output.list(result.events, [
    { header: 'ID', value: (e) => e.id },
    { header: 'NAME', value: (e) => e.name },
    { header: 'ENTITY', value: (e) => e.payload_id ?? '' },
  ]);
  ctx.output.success(`emitted ${result.emitted} event${result.emitted === 1 ? '' : 's'}${result.emitted > result.events.length ? ` (first ${result.events.length} listed)` : ''}`);
}
