// nsx sandbox receiver-rule: switches the running sandbox's demo receiver ("deploy the fix").
import type { ArgsOf, OptionsOf } from '../define.js';
import type { receiverRule } from './receiver-rule.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { admin, sandboxUrl } from './shared.js';

export async function run(ctx: CommandContext, [rule]: ArgsOf<typeof receiverRule>, opts: OptionsOf<typeof receiverRule>): Promise<void> {
  const { isReceiverRule, parseLatency, RECEIVER_RULES } = await import('../../sandbox/index.js');
  const text = String(rule);
  if (!isReceiverRule(text)) throw new UsageError(`unknown receiver rule "${text}"`, { hint: `rules: ${RECEIVER_RULES.join(', ')}` });
  let latency: number | [number, number] | undefined;
  if (opts.latency !== undefined) {
    try {
      latency = parseLatency(opts.latency);
    } catch (error) {
      throw new UsageError(`--latency: ${(error as Error).message}`);
    }
  }
  const base = sandboxUrl(opts.url);
  const info = await admin<{ url: string; rule: string }>(base, 'PUT', '/receiver/rule', { rule: text, ...(latency !== undefined ? { latency_ms: latency } : {}) });
  ctx.output.object(info, () => `${info.url}  ${info.rule}`);
  ctx.output.success(`the demo receiver at ${info.url} now answers by rule ${info.rule}`);
}
