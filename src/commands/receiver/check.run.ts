// nsx receiver check: everything the user typed is read and refused (exit 2) before the first delivery;
// then the context line on stderr, a line per check on stdout as it finishes (or one JSON object at the
// end), and exit 6 when a check failed (or warned, with --strict).
import type { ArgsOf, OptionsOf } from '../define.js';
import type { check } from './check.js';
import type { CommandContext } from '../context.js';
import { ExitCode, UsageError } from '../../errors.js';
import { parseWholeNumber } from '../../input/numbers.js';
import { parseDuration } from '../../input/time.js';
import { parseReceiverUrl, WebhookDeliveryClient } from '../../api/webhook-delivery.js';
import { MAX_FIXED_DELIVERIES, MAX_VERIFY_READS, runReceiverCheck, type CheckResult, type CheckStatus, type ReceiverCheckReport } from '../../workflows/receiver/check.js';
import { DELIVERY_TIMEOUT_MS } from '../../sandbox/receiver.js';
import { version } from '../../version.js';
import { readApiKeyFlags } from './api-key.js';
import { checkEventsFor } from './check-events.js';

export const DEFAULT_COUNT = 20;

export async function run(ctx: CommandContext, [rawUrl]: ArgsOf<typeof check>, opts: OptionsOf<typeof check>): Promise<void> {
  const out = ctx.output;
  const url = parseReceiverUrl(rawUrl, 'URL');
  const verifyUrl = opts.verifyUrl === undefined ? null : parseReceiverUrl(opts.verifyUrl, '--verify-url');
  const count = opts.count === undefined ? DEFAULT_COUNT : parseWholeNumber(opts.count, '--count', { min: 0, max: 10_000 });
  const concurrency = opts.concurrency === undefined ? 1 : parseWholeNumber(opts.concurrency, '--concurrency', { min: 1, max: 64 });
  const timeoutMs = ctx.globals.timeout === undefined ? DELIVERY_TIMEOUT_MS : parseDuration(ctx.globals.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout must be greater than 0');
  const events = checkEventsFor(opts.events ?? '*');
  const apiKey = await readApiKeyFlags(opts, out, ctx.io.env);
  if (apiKey === undefined) {
    throw new UsageError('an api key is needed, as NewStore sends it: --api-key-file PATH, --api-key-stdin or --api-key-env NAME', {
      hint: 'check 5 sends one delivery without it and one with a wrong key, and expects both refused',
    });
  }

  out.info(
    out.errStyle.dim(
      `receiver check: ${url.href} · at most ${count + MAX_FIXED_DELIVERIES} synthetic deliveries${verifyUrl ? ` and ${MAX_VERIFY_READS} reads of ${verifyUrl.href}` : ''} · timeout ${timeoutMs} ms`,
    ),
  );
  ctx.handleInterrupts();
  const client = new WebhookDeliveryClient(`nsx/${version()} receiver-check`);
  ctx.defer(() => client.close());
  const label = (s: CheckStatus): string => {
    const text = s.toUpperCase().padEnd(4);
    return s === 'pass' ? out.style.green(text) : s === 'warn' ? out.style.yellow(text) : s === 'fail' ? out.style.red(text) : out.style.dim(text);
  };
  const redacted = (r: CheckResult): CheckResult => ({ ...r, summary: out.redact(r.summary), evidence: r.evidence.map((e) => ({ ...e, body: out.redact(e.body) })) });
  const report: ReceiverCheckReport = await runReceiverCheck({
    url,
    apiKey,
    tenant: ctx.globals.tenant ?? 'sandbox',
    count,
    concurrency,
    timeoutMs,
    verifyUrl,
    events,
    client,
    signal: ctx.signal,
    onCheck(result) {
      if (out.isJson) return;
      const r = redacted(result);
      out.object(r, () => `${label(r.status)}  ${r.id} ${r.title.padEnd(30)} ${r.summary}`);
    },
  });
  const final = { ...report, checks: report.checks.map(redacted) };
  if (out.isJson) out.object(final, () => '');
  const s = report.summary;
  const failed = s.fail > 0 || (Boolean(opts.strict) && s.warn > 0);
  const line = `${s.pass} passed, ${s.warn} warned, ${s.fail} failed, ${s.skip} skipped · ${s.deliveries} deliveries${s.verify_reads ? `, ${s.verify_reads} verify reads` : ''} in ${Math.round(s.ms)} ms`;
  if (failed) {
    out.notice(`${out.errStyle.red('receiver check failed:')} ${line}${s.fail === 0 ? ' (--strict: a WARN fails)' : ''}`);
    ctx.setExitCode(ExitCode.partial);
  } else out.success(`receiver check passed: ${line}`);
}
