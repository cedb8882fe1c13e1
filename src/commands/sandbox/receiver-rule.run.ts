// nsx sandbox receiver-rule: switches the running sandbox's demo receiver ("deploy the fix").
import type { ArgsOf, OptionsOf } from '../define.js';
import type { receiverRule } from './receiver-rule.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { parseLatencyFlag } from './numbers.js';
import { sandboxAdmin } from './running-sandbox.js';

export async function run(ctx: CommandContext, [rule]: ArgsOf<typeof receiverRule>, opts: OptionsOf<typeof receiverRule>): Promise<void> {
  const { isReceiverRule, parseLatency, RECEIVER_RULES } = await import('../../sandbox/index.js');
  const text = String(rule);
  if (!isReceiverRule(text)) throw new UsageError(`unknown receiver rule "${text}"`, { hint: `rules: ${RECEIVER_RULES.join(', ')}` });
  const latency = parseLatencyFlag(opts.latency, parseLatency);
  const info = await sandboxAdmin(opts.url, ctx.io.env).setReceiverRule<{ url: string; rule: string }>({ rule: text, ...(latency !== undefined ? { latency_ms: latency } : {}) });
  ctx.output.object(info, () => `${info.url}  ${info.rule}`);
  ctx.output.success(`the demo receiver at ${info.url} now answers by rule ${info.rule}`);
}
