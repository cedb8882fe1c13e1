// `nsx recover --concurrency auto` (issue 16) at realistic latency, all in one run, the sandbox and the
// receiver each in their own process (as bench/recover.mjs). Cases:
//   1. 1,000 events, 50 ms per API request, no limit: auto vs the bound N x L / 32 + 10 round trips
//      (goal <= 1.3x) and vs the best fixed level of 1, 4, 8, 16, 32 (goal <= 1.15x). Level 1 would take
//      ~55 s: it is measured on 300 events (case 4's run) and scaled x10/3 (it is never the best level).
//   2. 1,000 events, 20 ms, a tenant limit of 100 req/s (sandbox rateLimit, one bucket for all calls):
//      auto vs N / limit (goal <= 1.15x) with <= 3% of calls answered 429; fixed 32 for comparison.
//   3. 2,000 events, 2 ms: auto vs --concurrency 8 (goal <= 1.1x).
//   4. peak RSS of every nsx run < 150 MB; nsx sequential vs a raw sequential keep-alive loop at 50 ms on
//      300 events, the size of the issue's figure (goal < 1.1x).
// 429s are counted from nsx --verbose's response lines (`< 429 ...`): case 2 only, where both contenders
// run with --verbose. The level changes shown come from each run's journal.
// Needs dist/ (`npm run build`), /usr/bin/time for peak RSS. Usage: node bench/recover-adaptive.mjs
// (prints figures and ratios; exit code 1 when a goal is missed). One run takes ~2-3 minutes.
import { readFileSync } from 'node:fs';
import { INTEGRATION, nsxBin, startRecoverBench, TIME } from './_recover-harness.mjs';

// The sandbox and the receiver in their own processes (bench/_recover-harness.mjs).
const bench = await startRecoverBench('bench/recover-adaptive');
const { nsxEnv, reseed, verify } = bench;

/** A harness run, and what its stderr (--verbose) and journal say: answers, 429s, level changes. */
async function run(name, command, args, childEnv, opts) {
  const r = await bench.run(name, command, args, childEnv, opts);
  const answers = (r.stderr.match(/^http: < \d{3} /gm) ?? []).length;
  const throttled = (r.stderr.match(/^http: < 429 /gm) ?? []).length;
  // The level changes, from the run's journal (recover --json names it): no --verbose needed, whose
  // thousands of lines would cost the measured run CPU that the fixed levels do not pay.
  let levels = [];
  try {
    const journal = JSON.parse(r.stdout).journal;
    if (journal) levels = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((x) => x.type === 'level').map((x) => `${x.level}${x.reason === 'grow' || x.reason === 'start' ? '' : `(${x.reason})`}`);
  } catch {
    // not recover's JSON (the raw loop)
  }
  return { ms: r.ms, rssMb: r.rssMb, answers, throttled, levels };
}

const nsx = (name, flags, opts = {}) =>
  run(name, process.execPath, [nsxBin, 'recover', INTEGRATION, '--yes', '--watch', '0', '--progress', 'none', '--output', 'json', ...flags, ...(opts.verbose ? ['--verbose'] : [])], nsxEnv(), { rss: true });
const floor = async () => ({ ...(await bench.floor()), answers: 0, throttled: 0, levels: [] });

const rssAll = [];
async function measure(caseName, name, events, faults, start) {
  await reseed(events, faults);
  const r = await start();
  await verify(`${caseName} ${name}`);
  if (r.rssMb) rssAll.push(r.rssMb);
  const share = r.answers ? ` 429s ${r.throttled}/${r.answers} (${((100 * r.throttled) / r.answers).toFixed(1)}%)` : '';
  const lv = r.levels.length ? `  levels ${r.levels.join(' ').slice(0, 160)}` : '';
  console.log(`  ${caseName} ${name.padEnd(12)} ${(r.ms / 1000).toFixed(2).padStart(6)} s${r.rssMb ? `  peak RSS ${r.rssMb.toFixed(0)} MB` : ''}${share}${lv}`);
  return r;
}

// BENCH_CASES=2,3 runs some cases only (while tuning); the default is all four.
const CASES = (process.env.BENCH_CASES ?? '1,2,3,4').split(',').map((c) => c.trim());
const checks = [];
const check = (name, value, goal, ok) => checks.push([name, value, goal, ok]);
try {
  // Warm-up, not measured: the first nsx run would otherwise pay for the fresh sandbox's and receiver's
  // cold code (JIT) and for filling node's compile cache, which the runs after it do not.
  await reseed(300, {});
  await nsx('warm-up', ['--concurrency', '8']);
  await verify('warm-up');
  const L1 = { latencyMs: 50 };
  let seq300;
  if (CASES.includes('1')) {
  // ---- case 1: 1,000 events, 50 ms, no limit
  const c1 = {};
  c1.auto = await measure('1', 'auto', 1000, L1, () => nsx('auto', ['--concurrency', 'auto']));
  for (const level of [32, 16, 8, 4]) c1[level] = await measure('1', `-c ${level}`, 1000, L1, () => nsx(`-c ${level}`, ['--concurrency', String(level)]));
  seq300 = await measure('1', '-c 1 (300)', 300, L1, () => nsx('-c 1', ['--concurrency', '1']));
  c1[1] = { ms: (seq300.ms * 10) / 3 };
  console.log(`  1 -c 1 scaled  ${(c1[1].ms / 1000).toFixed(2).padStart(6)} s  (300 events x 10/3)`);
  const bound = (1000 * 50) / 32 + 10 * 50;
  const best = Math.min(...[1, 4, 8, 16, 32].map((l) => c1[l].ms));
  const bestLevel = [1, 4, 8, 16, 32].find((l) => c1[l].ms === best);
  check('1 auto / bound (2.06 s)', c1.auto.ms / bound, '<= 1.3', c1.auto.ms / bound <= 1.3);
  check(`1 auto / best fixed (-c ${bestLevel})`, c1.auto.ms / best, '<= 1.15', c1.auto.ms / best <= 1.15);
  }
  if (CASES.includes('2')) {
  // ---- case 2: 1,000 events, 20 ms, tenant limit 100 req/s
  const L2 = { latencyMs: 20, rateLimit: 100 };
  const a2 = await measure('2', 'auto', 1000, L2, () => nsx('auto', ['--concurrency', 'auto'], { verbose: true }));
  const f2 = await measure('2', '-c 32', 1000, L2, () => nsx('-c 32', ['--concurrency', '32'], { verbose: true }));
  check('2 auto / (N / limit = 10 s)', a2.ms / 10_000, '<= 1.15', a2.ms / 10_000 <= 1.15);
  check('2 auto 429 share (%)', (100 * a2.throttled) / a2.answers, '<= 3', a2.throttled / a2.answers <= 0.03);
  console.log(`  (2 -c 32: ${(f2.ms / 10_000).toFixed(2)}x of N / limit, ${((100 * f2.throttled) / f2.answers).toFixed(1)}% answered 429)`);
  }
  if (CASES.includes('3')) {
  // ---- case 3: 2,000 events, 2 ms
  const L3 = { latencyMs: 2 };
  const a3 = await measure('3', 'auto', 2000, L3, () => nsx('auto', ['--concurrency', 'auto']));
  const f3 = await measure('3', '-c 8', 2000, L3, () => nsx('-c 8', ['--concurrency', '8']));
  check('3 auto / -c 8', a3.ms / f3.ms, '<= 1.1', a3.ms / f3.ms <= 1.1);
  }
  if (CASES.includes('4')) {
  seq300 ??= await measure('4', '-c 1 (300)', 300, L1, () => nsx('-c 1', ['--concurrency', '1']));
  // ---- case 4: sequential vs the raw loop at 50 ms (300 events), peak RSS
  const fl = await measure('4', 'floor (300)', 300, L1, floor);
  check('4 sequential / floor (50 ms, 300 ev)', seq300.ms / fl.ms, '< 1.1', seq300.ms / fl.ms < 1.1);
  const rss = Math.max(...rssAll);
  check('4 peak RSS of all nsx runs (MB)', rss, '< 150', TIME ? rss < 150 : true);
  }
} finally {
  bench.close();
}
console.log('');
for (const [name, value, goal, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.toFixed(2).padStart(7)}   goal ${goal}`);
if (!TIME) console.log('  (no /usr/bin/time: peak RSS not measured)');
process.exitCode = checks.every(([, , , ok]) => ok) ? 0 : 1;
