// Benchmark of the sandbox (issue 3): it must never be the bottleneck of nsx's own benchmarks.
// Goals: >= 2,000 list/retry requests per second on loopback with the sandbox on one core, and 100,000
// log entries held under 300 MB RSS. Runs the built sandbox (dist/; `npm run build` first) in a child
// process pinned to core 0 with taskset when available; the load comes from this process over keep-alive.
// Usage: node bench/sandbox.mjs   (prints the figures; exit code 1 when a goal is missed)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}dist/sandbox/index.js`;
if (!existsSync(entry)) {
  console.error(`bench/sandbox: ${entry} is missing; run \`npm run build\` first`);
  process.exit(2);
}

const GOAL_RPS = 2000;
const GOAL_RSS_MB = 300;
const LOGS = 100_000;
const REJECTED = 10_000;
const DURATION_MS = Number(process.env.NSX_BENCH_SECONDS ?? 3) * 1000;
const CONCURRENCY = 32;
const SANDBOX_NODE_FLAGS = '--max-semi-space-size=8';

// ---- the sandbox, in a child process on one core; the integrator's receiver in another ---------------
// The receiver stands for the integrator's server, not for the sandbox: the judged retry figures use a
// receiver in its own process (pinned to core 1), so the sandbox's core does only the sandbox's work. The
// sandbox's built-in receiver (same process, same core) is measured too, for information.
const childCode = `
  const { startSandbox } = await import(${JSON.stringify(entry)});
  const sb = await startSandbox({ port: 0, statePath: null, scenario: 'empty', receiver: { rule: 'accept-all' }, duplicateProbability: 0 });
  process.stdout.write(JSON.stringify({ baseUrl: sb.baseUrl, tokenUrl: sb.tokenUrl, clientId: sb.clientId, clientSecret: sb.clientSecret }) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await sb.close(); process.exit(0); });
`;
const receiverCode = `
  const { startReceiver } = await import(${JSON.stringify(entry)});
  const r = await startReceiver({ rule: 'accept-all', logLimit: 1000 });
  process.stdout.write(JSON.stringify({ url: r.url }) + '\\n');
  // One rule per stdin line; acknowledged with a line on stdout.
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text) => { for (const line of text.split('\\n').filter(Boolean)) { r.setRule(line.trim()); process.stdout.write('ok\\n'); } });
  process.stdin.on('end', async () => { await r.close(); process.exit(0); });
`;
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
function startChild(code, core) {
  // NSX_BENCH_NODE_ARGS sets the sandbox's node flags (e.g. --cpu-prof to profile it). The default caps V8's
  // young generation: under this load V8 otherwise grows it to 3 x 64 MB of mostly garbage, which is most
  // of the RSS after the load (the data itself is ~70 MB); throughput is the same or better with the cap.
  const extra = core === 0 ? (process.env.NSX_BENCH_NODE_ARGS ?? SANDBOX_NODE_FLAGS).split(' ').filter(Boolean) : [];
  const nodeArgs = [...extra, '--input-type=module', '-e', code];
  const [cmd, args] = hasTaskset ? ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    proc.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  return { proc, ready };
}
const sandboxChild = startChild(childCode, 0);
const receiverChild = startChild(receiverCode, 1);
const child = sandboxChild.proc;
const info = await sandboxChild.ready;
const receiverInfo = await receiverChild.ready;
const stop = () => {
  child.stdin.end();
  receiverChild.proc.stdin.end();
};

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const origin = new URL(info.baseUrl).origin;
const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 });

async function json(method, path, body, headers = {}) {
  const res = await pool.request({ method, path, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} -> ${res.statusCode}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `next()` requests with CONCURRENCY in flight for DURATION_MS (bounded); returns req/s. */
async function measure(name, makeRequest, { durationMs = DURATION_MS, max = Infinity, warmUp = false } = {}) {
  if (process.env.NSX_BENCH_ONLY && !warmUp && !name.includes(process.env.NSX_BENCH_ONLY)) return { name, skipped: true, rps: Infinity, ok: true };
  let done = 0;
  let failed = 0;
  let issued = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  const cpuStart = cpuSeconds(child.pid);
  async function lane() {
    while (performance.now() < deadline && issued < max) {
      issued++;
      const { method, path, body } = makeRequest(issued);
      const res = await pool.request({ method, path, headers, body });
      await res.body.dump();
      if (res.statusCode === 200) done++;
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  const rps = done / seconds;
  // Share of one core the sandbox used: below ~90% it was waiting on the load generator, not saturated.
  const busy = (cpuSeconds(child.pid) - cpuStart) / seconds;
  // Requests per CPU-second of the sandbox = what it serves on one fully used core. On a shared or busy
  // machine the load generator may not saturate the sandbox's core; this figure does not depend on that.
  const perCore = done / Math.max(0.01, busy * seconds);
  const best = Math.max(rps, perCore);
  const ok = best >= GOAL_RPS && failed === 0;
  const verdict = warmUp ? '' : `  goal >= ${GOAL_RPS}  ${ok ? 'PASS' : 'FAIL'}`;
  console.log(
    `${name.padEnd(38)} ${rps.toFixed(0).padStart(6)} req/s measured, sandbox CPU ${(busy * 100).toFixed(0).padStart(3)}% -> ${perCore.toFixed(0).padStart(6)} req/s per core` +
      ` (${done} requests${failed ? `, ${failed} failed` : ''})${verdict}`,
  );
  return { name, rps: Math.round(rps), per_core: Math.round(perCore), requests: done, failed, ok, sandbox_cpu: Math.round(busy * 100) / 100 };
}

let headers;
const results = [];
/** Sets the external receiver's rule (a line on its stdin, acknowledged on its stdout). */
function receiverRule(rule) {
  return new Promise((resolve) => {
    receiverChild.proc.stdout.once('data', () => resolve());
    receiverChild.proc.stdin.write(`${rule}\n`);
  });
}
let exitCode = 0;
try {
  const tokenRes = await fetch(info.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret }),
  });
  const { access_token } = await tokenRes.json();
  headers = { authorization: `Bearer ${access_token}` };

  const rssBefore = rssMb(child.pid);
  // 'bench' delivers to the external receiver; 'bench-inproc' (created by the seed) to the built-in one.
  await json('POST', '/api/v1/org/integrations/eventstream', { id: 'bench', callback_parameters: { callback_url: `${receiverInfo.url}/bench`, api_key: 'k' } }, headers);
  await json('POST', '/api/v1/org/integrations/eventstream/bench/_stop', undefined, headers);
  const seedStarted = performance.now();
  await json('POST', '/_sandbox/seed', { integration_id: 'bench', logs: LOGS, rejected: REJECTED, rejected_limit: REJECTED * 2 });
  const seedMs = performance.now() - seedStarted;
  await json('POST', '/_sandbox/seed', { integration_id: 'bench-inproc', rejected: REJECTED });
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const rssSeeded = rssMb(child.pid);
  console.log(`sandbox pid ${child.pid}${hasTaskset ? ' pinned to core 0 (taskset -c 0)' : ' (taskset not available: not pinned)'}, node flags "${process.env.NSX_BENCH_NODE_ARGS ?? SANDBOX_NODE_FLAGS}"; receiver pid ${receiverChild.proc.pid}${hasTaskset ? ' on core 1' : ''}; ${CONCURRENCY} keep-alive connections`);
  console.log(`seeded ${LOGS} log entries + ${REJECTED} rejected events in ${seedMs.toFixed(0)} ms; RSS ${rssBefore.toFixed(0)} MB -> ${rssSeeded.toFixed(0)} MB`);

  const base = '/api/v1/org/integrations/eventstream/bench';
  // Warm-up (JIT, connections).
  await measure('warm-up (list logs)', () => ({ method: 'GET', path: `${base}/logs?count=50` }), { durationMs: 500, warmUp: true });
  results.push(await measure('list logs (count=50, random offsets)', () => ({ method: 'GET', path: `${base}/logs?offset=${Math.floor(Math.random() * (LOGS - 50))}&count=50` })));
  results.push(await measure('list rejected events (count=50)', () => ({ method: 'GET', path: `${base}/rejected_events?offset=${Math.floor(Math.random() * 5000)}&count=50` })));
  // Retry with the receiver answering 400: the event stays, attempts + 1 (the receiver rejects unknown products).
  await receiverRule('reject-unknown-products');
  results.push(await measure('retry, rejected again (400)', (i) => ({ method: 'POST', path: `${base}/rejected_events/seed-bench-${1 + (i % REJECTED)}/_retry` })));
  // Retry with the receiver accepting: each retried event leaves the list (bounded by the seeded count).
  await receiverRule('accept-all');
  results.push(await measure('retry, delivered (2xx)', (i) => ({ method: 'POST', path: `${base}/rejected_events/seed-bench-${i}/_retry` }), { max: REJECTED }));
  // For information: the built-in receiver in the sandbox's own process (same core) does the integrator's work too.
  const inproc = await measure('retry, delivered, in-process receiver', (i) => ({ method: 'POST', path: `${base}-inproc/rejected_events/seed-bench-inproc-${i}/_retry` }), { max: REJECTED, warmUp: true });

  const rssPeak = rssMb(child.pid);
  // Let V8's memory reducer run (it shrinks the heap once the allocation rate drops), then measure.
  await new Promise((r) => setTimeout(r, 4000));
  const rssAfter = rssMb(child.pid);
  console.log(`sandbox RSS right after the load ${rssPeak.toFixed(0)} MB, 4 s later ${rssAfter.toFixed(0)} MB`);
  const mem = (await json('GET', '/_sandbox')).memory;
  const mb = (n) => `${(n / 1048576).toFixed(0)} MB`;
  console.log(`sandbox memory after the load: rss ${mb(mem.rss)}, heap used ${mb(mem.heapUsed)} of ${mb(mem.heapTotal)}, external ${mb(mem.external)}, array buffers ${mb(mem.arrayBuffers)}`);
  // Judged: RSS holding the data (after seeding). After the load test V8 keeps a heap about twice the live
  // data (garbage not yet collected); that figure is printed too, and must stay under the goal as well.
  const rssOk = rssSeeded < GOAL_RSS_MB && rssAfter < GOAL_RSS_MB;
  console.log(`${'RSS holding 100,000 log entries'.padEnd(38)} ${rssSeeded.toFixed(0).padStart(6)} MB after seeding, ${rssAfter.toFixed(0)} MB after the load (settled)  goal < ${GOAL_RSS_MB} MB  ${rssOk ? 'PASS' : 'FAIL'}`);
  const judged = results.filter((r) => !r.skipped);
  const worst = Math.min(...judged.map((r) => Math.max(r.rps, r.per_core)));
  console.log(`ratio: slowest ${worst} req/s per core / goal ${GOAL_RPS} = ${(worst / GOAL_RPS).toFixed(2)}; RSS ${Math.max(rssSeeded, rssAfter).toFixed(0)} MB / ${GOAL_RSS_MB} MB = ${(Math.max(rssSeeded, rssAfter) / GOAL_RSS_MB).toFixed(2)}`);
  mkdirSync(`${root}bench/out`, { recursive: true });
  writeFileSync(`${root}bench/out/sandbox.json`, JSON.stringify({ pinned: hasTaskset, results, in_process_receiver_retry_rps: inproc.rps, rss_mb: Math.round(rssAfter), rss_peak_mb: Math.round(rssPeak), rss_seeded_mb: Math.round(rssSeeded), seed_ms: Math.round(seedMs) }, null, 2));
  if (!rssOk || results.some((r) => !r.ok)) exitCode = 1;
} catch (err) {
  console.error(`bench/sandbox: ${err.stack ?? err}`);
  exitCode = 1;
} finally {
  await pool.close();
  stop();
}
process.exitCode = exitCode;
