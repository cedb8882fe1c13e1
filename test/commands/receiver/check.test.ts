// nsx receiver check against the sandbox's receiver over real loopback HTTP: every check passes against the
// correct receiver and fails against the fault rule made for it; the JSON report, the exit codes, the
// refusals (exit 2, nothing sent) and the bound on deliveries.
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { startReceiver, type ReceiverRule, type RunningReceiver } from '../../../src/sandbox/receiver.js';
import { parseReceiverUrl } from '../../../src/api/webhook-delivery.js';
import { MAX_FIXED_DELIVERIES } from '../../../src/workflows/receiver/check.js';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';

const KEY = 'receiver-check-test-key-8c1f0e';
let receiver: RunningReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function check(rule: ReceiverRule, args: string[] = [], options: { json?: boolean; env?: Record<string, string> } = {}) {
  receiver = await startReceiver({ rule, apiKey: KEY });
  const url = `${receiver.url}/hook`;
  const r = await runNsxInProcess(['receiver', 'check', url, '--api-key-env', 'K', '--verify-url', url, '--count', '3', ...(options.json === false ? [] : ['--json']), ...args], {
    env: { K: KEY, ...options.env },
  });
  expect(r.stdout + r.stderr).not.toContain(KEY);
  const report = options.json === false ? undefined : (JSON.parse(r.stdout) as Report);
  return { r, report, receiver };
}

interface Report {
  url: string;
  checks: { id: number; key: string; status: string; summary: string; evidence: { status: number | null; body: string; ms: number }[]; timings?: Record<string, number> }[];
  summary: { status: string; pass: number; warn: number; fail: number; skip: number; deliveries: number; verify_reads: number };
}

const statuses = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.key, c.status]));

describe('nsx receiver check', () => {
  it('passes every check against the correct receiver, and sends no more than it says', async () => {
    const { r, report, receiver } = await check('accept-all');
    expect(r.exitCode, r.stderr).toBe(ExitCode.ok);
    expect(report!.checks.map((c) => [c.id, c.key, c.status])).toEqual([
      [1, 'accepts-events', 'pass'],
      [2, 'duplicate', 'pass'],
      [3, 'same-key-other-name', 'pass'],
      [4, 'out-of-order', 'pass'],
      [5, 'authentication', 'pass'],
      [6, 'not-an-event', 'pass'],
      [7, 'latency', 'pass'],
      [8, 'processed-once', 'pass'],
    ]);
    expect(report!.summary).toMatchObject({ status: 'pass', pass: 8, warn: 0, fail: 0, skip: 0 });
    // Every delivery is counted, and the count stays inside --count + the fixed ones.
    expect(receiver.log).toHaveLength(report!.summary.deliveries);
    expect(receiver.log.length).toBeLessThanOrEqual(3 + MAX_FIXED_DELIVERIES);
    expect(report!.checks.find((c) => c.key === 'latency')!.timings).toMatchObject({ deliveries: 3, concurrency: 1, timeout_ms: 10_000 });
    // What was sent: NewStore-shaped bodies with the api key, all families of check 1, the faults of 5 and 6.
    const names = new Set(receiver.log.map((d) => d.name));
    for (const n of ['order.created', 'fulfillment_request.assigned', 'payment_account.amount_authorized', 'return.processed', 'order.cancelled', 'order.items_cancelled']) expect(names).toContain(n);
    expect(receiver.log.filter((d) => d.authorization === null)).toHaveLength(1);
    expect(receiver.log.filter((d) => d.authorization !== null && d.authorization !== `Bearer ${KEY}`)).toHaveLength(1);
    expect(receiver.log.filter((d) => d.status === 400)).toHaveLength(2);
    expect(r.stderr).toContain(`receiver check: ${receiver.url}/hook`);
  });

  const faults: [ReceiverRule, string][] = [
    ['reject-exchanges', 'accepts-events'],
    ['dup-as-error', 'duplicate'],
    ['same-key-other-name-dedup', 'same-key-other-name'],
    ['500-on-unknown-order', 'out-of-order'],
    ['accept-unauthenticated', 'authentication'],
    ['500-on-malformed', 'not-an-event'],
    ['double-process', 'processed-once'],
  ];
  it.each(faults)('fails against the fault %s (check %s) and exits 6', async (rule, key) => {
    const { r, report } = await check(rule);
    expect(r.exitCode, r.stderr).toBe(ExitCode.partial);
    expect(statuses(report!)[key]).toBe('fail');
    expect(report!.summary.status).toBe('fail');
    expect(r.stderr).toContain('receiver check failed');
  });

  it('fails the latency check when deliveries time out (fault slow), and warns above half the timeout', async () => {
    const fast = ['--events', 'order.created', '--count', '1'];
    const timedOut = await check('slow:300', [...fast, '--timeout', '100ms']);
    expect(timedOut.r.exitCode, timedOut.r.stderr).toBe(ExitCode.partial);
    const latency = timedOut.report!.checks.find((c) => c.key === 'latency')!;
    expect(latency.status).toBe('fail');
    expect(latency.summary).toContain('timeout after 100 ms');
    await receiver!.close();

    const slowish = await check('slow:300', [...fast, '--timeout', '500ms']);
    expect(statuses(slowish.report!).latency).toBe('warn');
    expect(slowish.r.exitCode, slowish.r.stderr).toBe(ExitCode.ok);
    await receiver!.close();
    const strict = await check('slow:300', [...fast, '--timeout', '500ms', '--strict']);
    expect(strict.r.exitCode).toBe(ExitCode.partial);
    expect(strict.r.stderr).toContain('--strict: a WARN fails');
  });

  it('prints one line per check on stdout and skips check 8 without --verify-url', async () => {
    receiver = await startReceiver({ apiKey: KEY });
    const r = await runNsxInProcess(['receiver', 'check', `${receiver.url}/hook`, '--api-key-env', 'K', '--count', '2'], { env: { K: KEY } });
    expect(r.exitCode, r.stderr).toBe(ExitCode.ok);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines.slice(0, 7).every((l) => l.startsWith('PASS'))).toBe(true);
    expect(lines[7]).toMatch(/^SKIP\s+8 processed once.*no --verify-url/);
    expect(r.stderr).toMatch(/receiver check passed: 7 passed, 0 warned, 0 failed, 1 skipped/);
  });

  it('keeps to --events: only those names are sent, and checks that cannot apply are skipped', async () => {
    const { r, report, receiver } = await check('accept-all', ['--events', 'fulfillment_request.*']);
    expect(r.exitCode, r.stderr).toBe(ExitCode.ok);
    const sent = receiver.log.map((d) => d.name).filter((n) => n !== null);
    expect(sent.every((n) => n!.startsWith('fulfillment_request.'))).toBe(true);
    expect(statuses(report!)['out-of-order']).toBe('skip');
  });

  it('refuses bad input with exit 2 before sending anything', async () => {
    receiver = await startReceiver({ apiKey: KEY });
    const url = `${receiver.url}/hook`;
    const cases: [string[], RegExp][] = [
      [[url], /an api key is needed/],
      [[url, '--api-key', KEY], /--api-key takes no value/],
      [[url, '--api-key-env', 'K', '--events', 'nothing.*'], /matches no NewStore event name/],
      [[url, '--api-key-env', 'K', '--count', '-1'], /--count/],
      [[url, '--api-key-env', 'K', '--concurrency', '0'], /--concurrency/],
      [[url, '--api-key-env', 'K', '--timeout', 'soon'], /--timeout/],
      [[url, '--api-key-env', 'K', '--verify-url', 'http://10.1.2.3/processed'], /--verify-url: refusing plain http/],
      [[url, '--api-key-env', 'MISSING'], /MISSING is not set/],
      [['not a url', '--api-key-env', 'K'], /is not a URL/],
      [['http://receiver.example.com/hook', '--api-key-env', 'K'], /refusing plain http:\/\/ to receiver.example.com/],
    ];
    for (const [args, message] of cases) {
      const r = await runNsxInProcess(['receiver', 'check', ...args], { env: { K: KEY } });
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(receiver.log).toHaveLength(0);
  });

  it('takes https:// anywhere and http:// on loopback only', () => {
    expect(parseReceiverUrl('https://erp.example.com/newstore', 'URL').host).toBe('erp.example.com');
    expect(parseReceiverUrl('http://localhost:8080/hook', 'URL').port).toBe('8080');
    expect(parseReceiverUrl('http://[::1]:8080/hook', 'URL').hostname).toBe('[::1]');
    expect(() => parseReceiverUrl('http://192.168.1.10/hook', 'URL')).toThrow(/refusing plain http/);
    expect(() => parseReceiverUrl('ftp://127.0.0.1/hook', 'URL')).toThrow(/not http/);
    expect(() => parseReceiverUrl('https://user:pw@erp.example.com/', 'URL')).toThrow(/user or password/);
  });
});
