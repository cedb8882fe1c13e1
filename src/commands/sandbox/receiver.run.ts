// nsx sandbox receiver: the demo webhook receiver on its own, printing a line (or a JSON object) per delivery.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { receiver } from './receiver.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import type { ReceiverDelivery, ReceiverRule } from '../../sandbox/index.js';
import { isPort, parseLatencyFlag, parseNumber } from './numbers.js';
import { untilStopped } from './running-sandbox.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof receiver>, opts: OptionsOf<typeof receiver>): Promise<void> {
  const { startReceiver, isReceiverRule, parseLatency, RECEIVER_RULES } = await import('../../sandbox/index.js');
  const rule = opts.rule ?? 'accept-all';
  if (!isReceiverRule(rule)) throw new UsageError(`--rule: unknown rule "${rule}"`, { hint: `rules: ${RECEIVER_RULES.join(', ')}` });
  const latencyMs = parseLatencyFlag(opts.latency, parseLatency);
  const port = parseNumber(opts.port, '--port', isPort, 'a port number') ?? 4546;
  const out = ctx.output;
  const print = (d: ReceiverDelivery): void => {
    const status = d.status < 300 ? out.style.green(String(d.status)) : d.status === 400 ? out.style.yellow(String(d.status)) : out.style.red(String(d.status));
    out.object(d, () => `${new Date(d.start).toISOString()}  ${status}  ${d.name ?? '(no name)'}  ${d.payload_id ?? ''}  ${d.path}`);
  };
  ctx.handleInterrupts();
  const receiver = await startReceiver({ host: opts.host ?? '127.0.0.1', port, rule: rule as ReceiverRule, ...(latencyMs !== undefined ? { latencyMs } : {}), onDelivery: print });
  ctx.defer(() => receiver.close());
  out.notice(`nsx sandbox receiver: listening on ${receiver.url} (rule ${receiver.rule}); Ctrl-C to stop`);
  await untilStopped(ctx);
  await receiver.close();
  out.success(`receiver stopped after ${receiver.log.length} deliveries`);
}
