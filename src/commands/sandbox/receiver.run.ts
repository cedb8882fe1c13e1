// nsx sandbox receiver: the demo webhook receiver on its own, printing a line (or a JSON object) per delivery.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgsOf, OptionsOf } from '../define.js';
import type { receiver } from './receiver.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import type { ReceiverDelivery, ReceiverRule } from '../../sandbox/index.js';
import { isPort, parseLatencyFlag, parseNumber } from './numbers.js';
import { untilStopped } from './running-sandbox.js';
import { readApiKeyFlags } from '../receiver/api-key.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof receiver>, opts: OptionsOf<typeof receiver>): Promise<void> {
  const { startReceiver, isReceiverRule, parseLatency, RECEIVER_RULES } = await import('../../sandbox/index.js');
  const rule = opts.rule ?? 'accept-all';
  if (!isReceiverRule(rule)) throw new UsageError(`--rule: unknown rule "${rule}"`, { hint: `rules: ${RECEIVER_RULES.join(', ')}` });
  const latencyMs = parseLatencyFlag(opts.latency, parseLatency);
  const port = parseNumber(opts.port, '--port', isPort, 'a port number') ?? 4546;
  const out = ctx.output;
  let apiKey = await readApiKeyFlags(opts, out, ctx.io.env);
  let keyFile: string | undefined;
  if (apiKey === undefined) {
    // A receiver that takes anything is the fault accept-unauthenticated: without a key of the user's, one
    // is made and kept in an owner-only file (never printed), removed when the receiver stops.
    apiKey = randomBytes(24).toString('base64url');
    const dir = mkdtempSync(join(tmpdir(), 'nsx-receiver-'));
    keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
    out.addSecret(apiKey);
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  }
  const print = (d: ReceiverDelivery): void => {
    const status = d.status < 300 ? out.style.green(String(d.status)) : d.status === 400 ? out.style.yellow(String(d.status)) : out.style.red(String(d.status));
    out.object(d, () => `${new Date(d.start).toISOString()}  ${status}  ${d.name ?? '(no name)'}  ${d.payload_id ?? ''}  ${d.path}`);
  };
  ctx.handleInterrupts();
  const receiver = await startReceiver({ host: opts.host ?? '127.0.0.1', port, rule: rule as ReceiverRule, apiKey, ...(latencyMs !== undefined ? { latencyMs } : {}), onDelivery: print });
  ctx.defer(() => receiver.close());
  out.notice(`nsx sandbox receiver: listening on ${receiver.url} (rule ${receiver.rule}); Ctrl-C to stop`);
  if (keyFile) out.notice(`api key (made for this run, removed at the end): ${keyFile}; check it: ${ctx.command('receiver', 'check', `${receiver.url}/hook`, '--api-key-file', keyFile)}`);
  await untilStopped(ctx);
  await receiver.close();
  out.success(`receiver stopped after ${receiver.log.length} deliveries`);
}
