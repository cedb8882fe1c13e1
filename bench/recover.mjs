// `nsx recover` over 2,000 rejected events (issue 6), the sandbox in its own process with 2 ms latency per
// API request. Contenders, each on an identically re-seeded sandbox (reset + seed between runs):
//   floor     a raw keep-alive undici loop: token, list every page, retry each event in order, start
//   curl      the same job as a bash loop of curl calls (a process and a connection per call), ids via jq
//   nsx       nsx recover <id> --yes --watch 0 --concurrency 1   (sequential; the default is auto: bench/recover-adaptive.mjs)
//   nsx -c 8  nsx recover <id> --yes --watch 0 --concurrency 8
// Goals: nsx <= 1.25x floor; curl >= 2.5x nsx; curl >= 10x nsx -c 8; nsx >= 4x nsx -c 8; nsx peak RSS < 150 MB.
// --watch 0: the watch after the start is a deliberate wait (10 s by default), not work; the floor has none.
// Each run is checked: no rejected events left, integration running. Median of BENCH_RUNS (default 5: the -c 8 run is ~1.8 s and moves by ±0.1 s between runs).
// Needs dist/ (`npm run build`), curl and jq (apt-get install curl jq), /usr/bin/time for peak RSS.
// Usage: node bench/recover.mjs   (prints the figures and ratios; exit code 1 when a goal is missed)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTEGRATION, nsxBin, startRecoverBench, TIME } from './_recover-harness.mjs';

for (const tool of ['curl', 'jq', 'bash']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench/recover: ${tool} is missing (apt-get install -y ${tool})`);
    process.exit(2);
  }
}

const EVENTS = Number(process.env.BENCH_REJECTED ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LATENCY_MS = 2;
const GOALS = { floor: 1.25, curlVsNsx: 2.5, curlVsC8: 10, seqVsC8: 4, rssMb: 150 };

// The sandbox and the receiver in their own processes (bench/_recover-harness.mjs).
const bench = await startRecoverBench('bench/recover');
const { env, nsxEnv, run, floor, sandboxProcess } = bench;
const reseed = () => bench.reseed(EVENTS, { latencyMs: LATENCY_MS });
const verify = (name) => bench.verify(name);

// ---- the contenders ---------------------------------------------------------------------------------
// What people write without nsx: one curl per call, ids picked out with jq.
const curlScript = `#!/usr/bin/env bash
set -euo pipefail
TOKEN=$(curl -sf -X POST "$TOKEN_URL" -d grant_type=client_credentials -d client_id="$CLIENT_ID" -d client_secret="$CLIENT_SECRET" | jq -r .access_token)
ids=()
offset=0
while :; do
  page=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE$LIST_PATH?offset=$offset&count=200" | jq -r '.rejected_events[].id')
  n=0
  for id in $page; do ids+=("$id"); n=$((n+1)); done
  [ "$n" -lt 200 ] && break
  offset=$((offset+200))
done
for id in "\${ids[@]}"; do
  curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{}' "$BASE$LIST_PATH/$id/_retry" >/dev/null
done
curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{}' "$BASE$START_PATH" >/dev/null
`;
const curlFile = join(bench.scratch, 'retry-all.sh');
writeFileSync(curlFile, curlScript, { mode: 0o755 });

const recoverArgs = [nsxBin, 'recover', INTEGRATION, '--yes', '--watch', '0', '--progress', 'none', '--output', 'json'];
const contenders = {
  floor: () => floor(),
  curl: () => run('curl', 'bash', [curlFile], env),
  nsx: () => run('nsx', process.execPath, [...recoverArgs, '--concurrency', '1'], nsxEnv(), { rss: true }),
  'nsx -c 8': () => run('nsx -c 8', process.execPath, [...recoverArgs, '--concurrency', '8'], nsxEnv(), { rss: true }),
};

// BENCH_ONLY=nsx,floor runs a subset (while working on one contender); ratios need all four.
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
if (only) for (const k of Object.keys(contenders)) if (!only.includes(k)) delete contenders[k];
const results = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
/** CPU seconds a process has used, from /proc (Linux); shows when the sandbox, not the client, is the limit. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, start] of Object.entries(contenders)) {
      await reseed();
      const cpu0 = cpuSeconds(sandboxProcess.pid);
      const r = await start();
      const cpu = cpu0 === undefined ? undefined : cpuSeconds(sandboxProcess.pid) - cpu0;
      await verify(name);
      results[name].push(r);
      console.log(
        `  run ${i + 1} ${name.padEnd(9)} ${(r.ms / 1000).toFixed(2)} s${r.rssMb ? `  peak RSS ${r.rssMb.toFixed(0)} MB` : ''}${cpu !== undefined ? `  (sandbox CPU ${cpu.toFixed(2)} s)` : ''}`,
      );
    }
  }
} finally {
  bench.close();
}

if (only) {
  console.log('BENCH_ONLY: no ratios');
  process.exit(0);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, median(rs.map((r) => r.ms))]));
const rss = Math.max(...results.nsx.concat(results['nsx -c 8']).map((r) => r.rssMb ?? 0));
const checks = [
  [`nsx / floor`, ms.nsx / ms.floor, `<= ${GOALS.floor}`, ms.nsx / ms.floor <= GOALS.floor],
  [`curl / nsx`, ms.curl / ms.nsx, `>= ${GOALS.curlVsNsx}`, ms.curl / ms.nsx >= GOALS.curlVsNsx],
  [`curl / nsx -c 8`, ms.curl / ms['nsx -c 8'], `>= ${GOALS.curlVsC8}`, ms.curl / ms['nsx -c 8'] >= GOALS.curlVsC8],
  [`nsx / nsx -c 8`, ms.nsx / ms['nsx -c 8'], `>= ${GOALS.seqVsC8}`, ms.nsx / ms['nsx -c 8'] >= GOALS.seqVsC8],
  [`nsx peak RSS (MB)`, rss, `< ${GOALS.rssMb}`, TIME ? rss < GOALS.rssMb : true],
];
console.log(`\nnsx recover, ${EVENTS} rejected events, ${LATENCY_MS} ms latency per API request, median of ${RUNS} runs:`);
for (const [name, value] of Object.entries(ms)) console.log(`  ${name.padEnd(9)} ${(value / 1000).toFixed(2)} s`);
console.log('');
for (const [name, value, goal, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${name.padEnd(18)} ${value.toFixed(2).padStart(7)}   goal ${goal}`);
if (!TIME) console.log('  (no /usr/bin/time: peak RSS not measured)');
process.exitCode = checks.every(([, , , ok]) => ok) ? 0 : 1;
