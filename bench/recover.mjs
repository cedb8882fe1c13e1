// `nsx recover` over 2,000 rejected events (issue 6), the sandbox in its own process with 2 ms latency per
// API request. Contenders, each on an identically re-seeded sandbox (reset + seed between runs):
//   floor     a raw keep-alive undici loop: token, list every page, retry each event in order, start
//   curl      the same job as a bash loop of curl calls (a process and a connection per call), ids via jq
//   nsx       nsx recover <id> --yes --watch 0            (sequential, the default)
//   nsx -c 8  nsx recover <id> --yes --watch 0 --concurrency 8
// Goals: nsx <= 1.25x floor; curl >= 2.5x nsx; curl >= 10x nsx -c 8; nsx >= 4x nsx -c 8; nsx peak RSS < 150 MB.
// --watch 0: the watch after the start is a deliberate wait (10 s by default), not work; the floor has none.
// Each run is checked: no rejected events left, integration running. Median of BENCH_RUNS (default 5: the -c 8 run is ~1.8 s and moves by ±0.1 s between runs).
// Needs dist/ (`npm run build`), curl and jq (apt-get install curl jq), /usr/bin/time for peak RSS.
// Usage: node bench/recover.mjs   (prints the figures and ratios; exit code 1 when a goal is missed)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const sandboxEntry = `${root}dist/sandbox/index.js`;
const nsxBin = `${root}bin/nsx.cjs`;
if (!existsSync(sandboxEntry) || !existsSync(`${root}dist/bundle/nsx.js`)) {
  console.error('bench/recover: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
for (const tool of ['curl', 'jq', 'bash']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench/recover: ${tool} is missing (apt-get install -y ${tool})`);
    process.exit(2);
  }
}
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const EVENTS = Number(process.env.BENCH_REJECTED ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LATENCY_MS = 2;
const INTEGRATION = 'bench-recover';
const BASE_PATH = '/api/v1/org/integrations/eventstream';
const GOALS = { floor: 1.25, curlVsNsx: 2.5, curlVsC8: 10, seqVsC8: 4, rssMb: 150 };

// ---- the sandbox and the integrator's receiver, each in its own process --------------------------------
// The receiver stands for the integrator's server, not for NewStore: it runs apart from the sandbox so the
// sandbox's process does only NewStore's work (as bench/sandbox.mjs does). It answers "count" on stdin with
// the number of deliveries it accepted.
const sandboxCode = `
  const { startSandbox } = await import(${JSON.stringify(sandboxEntry)});
  const sb = await startSandbox({ port: 0, statePath: null, scenario: 'empty', receiver: false, duplicateProbability: 0, reorderProbability: 0 });
  process.stdout.write(JSON.stringify({ baseUrl: sb.baseUrl, tokenUrl: sb.tokenUrl, clientId: sb.clientId, clientSecret: sb.clientSecret }) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await sb.close(); process.exit(0); });
`;
const receiverCode = `
  const { startReceiver } = await import(${JSON.stringify(sandboxEntry)});
  const r = await startReceiver({ rule: 'accept-all', logLimit: 100000 });
  process.stdout.write(JSON.stringify({ url: r.url }) + '\\n');
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text) => {
    for (const line of text.split('\\n').filter(Boolean)) {
      if (line === 'clear') { r.clearLog(); process.stdout.write('ok\\n'); }
      else process.stdout.write(r.log.filter((d) => d.status === 200).length + '\\n');
    }
  });
  process.stdin.on('end', async () => { await r.close(); process.exit(0); });
`;
function startChild(code, what) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  proc.stdout.setEncoding('utf8');
  const lines = [];
  let waiting;
  let buf = '';
  proc.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      waiting?.();
    }
  });
  proc.on('exit', (code) => code && console.error(`bench/recover: the ${what} exited (${code})`));
  const nextLine = () =>
    new Promise((resolve) => {
      const take = () => (lines.length ? resolve(lines.shift()) : (waiting = take));
      take();
    });
  return { proc, nextLine, ask: (line) => (proc.stdin.write(`${line}\n`), nextLine()) };
}
const sandboxChild = startChild(sandboxCode, 'sandbox');
const receiverChild = startChild(receiverCode, 'receiver');
const sandboxProcess = sandboxChild.proc;
const sandbox = JSON.parse(await sandboxChild.nextLine());
const receiver = JSON.parse(await receiverChild.nextLine());

async function admin(method, path, body) {
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function api(method, path) {
  const token = await (
    await fetch(sandbox.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret }),
    })
  ).json();
  const res = await fetch(`${sandbox.baseUrl}${BASE_PATH}${path}`, {
    method,
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(bodies[path] ?? {}) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const bodies = { '': { id: INTEGRATION, callback_parameters: { callback_url: `${receiver.url}/erp` } } };

/** The same 2,000 rejected events every time: a reset, the integration, then the seed (seeded by position). */
async function reseed() {
  await admin('POST', 'reset', { scenario: 'empty' });
  await api('POST', ''); // registers (and starts) the integration, pointing at the external receiver
  await api('POST', `/${INTEGRATION}/_stop`);
  const seeded = await admin('POST', 'seed', { integration_id: INTEGRATION, rejected: EVENTS });
  if (seeded.rejected_events !== EVENTS) throw new Error(`seeded ${seeded.rejected_events} events, not ${EVENTS}`);
  await admin('PUT', 'faults', { latencyMs: LATENCY_MS });
  await receiverChild.ask('clear');
}

async function verify(name) {
  await admin('DELETE', 'faults');
  const info = await admin('GET', '');
  const status = (await api('GET', `/${INTEGRATION}`)).status;
  const accepted = Number(await receiverChild.ask('count'));
  if (info.counts.rejected_events !== 0) throw new Error(`${name}: ${info.counts.rejected_events} rejected events left`);
  if (status !== 'running') throw new Error(`${name}: the integration is ${status}, not running`);
  if (accepted < EVENTS) throw new Error(`${name}: the receiver accepted only ${accepted} of ${EVENTS}`);
}

// ---- the contenders ---------------------------------------------------------------------------------
const floorCode = `
  const { Agent } = await import('undici');
  const { BASE, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, LIST_PATH, START_PATH } = process.env;
  const origin = new URL(BASE).origin;
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const t = new URL(TOKEN_URL);
  const tokenRes = await agent.request({ origin: t.origin, path: t.pathname, method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString() });
  const { access_token } = await tokenRes.body.json();
  const headers = { authorization: 'Bearer ' + access_token, accept: 'application/json' };
  const ids = [];
  for (let offset = 0; ; offset += 200) {
    const res = await agent.request({ origin, path: LIST_PATH + '?offset=' + offset + '&count=200', method: 'GET', headers });
    const page = (await res.body.json()).rejected_events;
    for (const e of page) ids.push(e.id);
    if (page.length < 200) break;
  }
  for (const id of ids) {
    const res = await agent.request({ origin, path: LIST_PATH + '/' + encodeURIComponent(id) + '/_retry', method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
    const r = await res.body.json();
    if (!r.delivered) throw new Error('not delivered: ' + id);
  }
  const s = await agent.request({ origin, path: START_PATH, method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
  await s.body.text();
  await agent.close();
`;

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
const scratch = mkdtempSync(join(tmpdir(), 'nsx-bench-recover-'));
const curlFile = join(scratch, 'retry-all.sh');
writeFileSync(curlFile, curlScript, { mode: 0o755 });

const env = {
  PATH: process.env.PATH,
  HOME: scratch,
  BASE: sandbox.baseUrl,
  TOKEN_URL: sandbox.tokenUrl,
  CLIENT_ID: sandbox.clientId,
  CLIENT_SECRET: sandbox.clientSecret,
  LIST_PATH: `${BASE_PATH}/${INTEGRATION}/rejected_events`,
  START_PATH: `${BASE_PATH}/${INTEGRATION}/_start`,
};
const nsxEnv = (n) => ({
  PATH: process.env.PATH,
  HOME: scratch,
  NO_COLOR: '1',
  NSX_BASE_URL: sandbox.baseUrl,
  NSX_TOKEN_URL: sandbox.tokenUrl,
  NSX_TENANT: 'sandbox',
  NSX_CLIENT_ID: sandbox.clientId,
  NSX_CLIENT_SECRET: sandbox.clientSecret,
  NSX_CONFIG_DIR: join(scratch, `config-${n}`),
  NSX_STATE_DIR: join(scratch, `state-${n}`),
  NSX_CACHE_DIR: join(scratch, `cache-${n}`),
});

/** Runs a command (under /usr/bin/time for its peak RSS when asked), returns wall ms and RSS MB. */
function run(name, command, args, childEnv, { rss = false } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = rss && TIME ? [TIME, ['-f', 'PEAK_RSS_KB=%M', command, ...args]] : [command, args];
    const started = performance.now();
    const child = spawn(cmd, argv, { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${name} exited ${code}:\n${stderr.slice(-2000)}`));
      const kb = /PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
      resolve({ ms, rssMb: kb ? Number(kb) / 1024 : undefined });
    });
  });
}

const contenders = {
  floor: (n) => run('floor', process.execPath, ['--input-type=module', '-e', floorCode], env),
  curl: (n) => run('curl', 'bash', [curlFile], env),
  nsx: (n) => run('nsx', process.execPath, [nsxBin, 'recover', INTEGRATION, '--yes', '--watch', '0', '--progress', 'none', '--output', 'json'], nsxEnv(n), { rss: true }),
  'nsx -c 8': (n) =>
    run('nsx -c 8', process.execPath, [nsxBin, 'recover', INTEGRATION, '--yes', '--watch', '0', '--progress', 'none', '--output', 'json', '--concurrency', '8'], nsxEnv(n), { rss: true }),
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
let n = 0;
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, start] of Object.entries(contenders)) {
      await reseed();
      const cpu0 = cpuSeconds(sandboxProcess.pid);
      const r = await start(++n);
      const cpu = cpu0 === undefined ? undefined : cpuSeconds(sandboxProcess.pid) - cpu0;
      await verify(name);
      results[name].push(r);
      console.log(
        `  run ${i + 1} ${name.padEnd(9)} ${(r.ms / 1000).toFixed(2)} s${r.rssMb ? `  peak RSS ${r.rssMb.toFixed(0)} MB` : ''}${cpu !== undefined ? `  (sandbox CPU ${cpu.toFixed(2)} s)` : ''}`,
      );
    }
  }
} finally {
  sandboxProcess.stdin.end();
  receiverChild.proc.stdin.end();
  rmSync(scratch, { recursive: true, force: true });
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
