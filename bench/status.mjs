// `nsx status` over 25 integrations (issue 13) against a sandbox that adds LATENCY_MS to every API request:
// the goal is about three round trips of wall time (list, then every read of every integration at once,
// the published-events read among them; the token is cached by a warm-up run). Printed: the wall time at
// that latency, the same without latency (process start-up and work), and (wall - base) / latency, the
// round trips the latency cost. Usage: npm run build && node bench/status.mjs   (BENCH_LATENCY_MS,
// BENCH_RUNS; exit 1 when the round trips exceed BENCH_MAX_RTT, default 3: the "about three round trips"). 20 published attempts per
// integration (500 in all, under the answer cap: one published-events read, no split; with 200 each the
// 5,000 attempts split the hour into sequential halves and cost ~12 round trips).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MAX_RTT = Number(process.env.BENCH_MAX_RTT ?? 3);
const N = 25;

const { startSandbox } = await import(join(root, 'dist/sandbox/index.js'));
const sb = await startSandbox({ port: 0, statePath: null, scenario: 'empty', receiver: false, duplicateProbability: 0, reorderProbability: 0 });
const admin = async (method, path, body) => {
  const r = await fetch(`${sb.baseUrl}/_sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
};
for (let i = 0; i < N; i++) {
  await admin('POST', 'seed', { integration_id: `int-${String(i).padStart(2, '0')}`, logs: 30, rejected: i % 5, published: 20, published_span_ms: 3_000_000 });
}
const home = mkdtempSync(join(tmpdir(), 'nsx-bench-status-'));
const env = {
  ...process.env,
  NSX_CONFIG_DIR: join(home, 'config'), NSX_STATE_DIR: join(home, 'state'), NSX_CACHE_DIR: join(home, 'cache'),
  NSX_BASE_URL: sb.baseUrl, NSX_TOKEN_URL: sb.tokenUrl, NSX_TENANT: sb.tenant, NSX_CLIENT_ID: sb.clientId, NSX_CLIENT_SECRET: sb.clientSecret,
};
const once = () => new Promise((resolve, reject) => {
  const t = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/nsx.cjs'), 'status', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.on('error', reject);
  child.on('close', (code) => {
    const ms = performance.now() - t;
    if (code !== 6 && code !== 0) return reject(new Error(`nsx status exited ${code}: ${err}`));
    const rows = JSON.parse(out);
    if (rows.length !== N) return reject(new Error(`expected ${N} rows, got ${rows.length}`));
    resolve(ms);
  });
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const series = async () => {
  const xs = [];
  for (let i = 0; i < RUNS; i++) xs.push(await once());
  return median(xs);
};
let ok = false;
try {
  await once(); // warm-up: the token is cached from here on
  const base = await series();
  await admin('PUT', 'faults', { latencyMs: LATENCY_MS });
  const wall = await series();
  const rtt = (wall - base) / LATENCY_MS;
  console.log(`nsx status, ${N} integrations, ${LATENCY_MS} ms latency per API request, median of ${RUNS} runs:`);
  console.log(`  wall ${wall.toFixed(0)} ms; without latency ${base.toFixed(0)} ms (start-up and work)`);
  console.log(`  wall / latency = ${(wall / LATENCY_MS).toFixed(2)}; latency cost (wall - base) / latency = ${rtt.toFixed(2)} round trips (goal <= ${MAX_RTT})`);
  ok = rtt <= MAX_RTT;
} finally {
  await sb.close();
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
