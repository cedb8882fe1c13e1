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
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const sandboxEntry = `${root}dist/sandbox/index.js`;
const nsxBin = `${root}bin/nsx.cjs`;
if (!existsSync(sandboxEntry) || !existsSync(`${root}dist/bundle/nsx.js`)) {
  console.error('bench/recover-adaptive: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const INTEGRATION = 'bench-recover';
const BASE_PATH = '/api/v1/org/integrations/eventstream';
let EVENTS = 0;
let faultsNow = {};

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
  proc.on('exit', (code) => code && console.error(`bench/recover-adaptive: the ${what} exited (${code})`));
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
async function reseed(events, faults) {
  EVENTS = events;
  faultsNow = faults;
  await admin('POST', 'reset', { scenario: 'empty' });
  await api('POST', ''); // registers (and starts) the integration, pointing at the external receiver
  await api('POST', `/${INTEGRATION}/_stop`);
  const seeded = await admin('POST', 'seed', { integration_id: INTEGRATION, rejected: EVENTS });
  if (seeded.rejected_events !== EVENTS) throw new Error(`seeded ${seeded.rejected_events} events, not ${EVENTS}`);
  await admin('PUT', 'faults', faultsNow);
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

// ---- the contenders
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


const scratch = mkdtempSync(join(tmpdir(), 'nsx-bench-adaptive-'));
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
let n = 0;
const nsxEnv = () => {
  n++;
  return {
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
  };
};

function run(name, command, args, childEnv, { rss = false } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = rss && TIME ? [TIME, ['-f', 'PEAK_RSS_KB=%M', command, ...args]] : [command, args];
    const started = performance.now();
    const child = spawn(cmd, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${name} exited ${code}:\n${stderr.slice(-2000)}`));
      if (process.env.BENCH_KEEP) writeFileSync(join(process.env.BENCH_KEEP, `${name.replace(/\W+/g, '_')}.log`), stderr);
      const kb = /PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
      const answers = (stderr.match(/^http: < \d{3} /gm) ?? []).length;
      const throttled = (stderr.match(/^http: < 429 /gm) ?? []).length;
      // The level changes, from the run's journal (recover --json names it): no --verbose needed, whose
      // thousands of lines would cost the measured run CPU that the fixed levels do not pay.
      let levels = [];
      try {
        const journal = JSON.parse(stdout).journal;
        if (journal) levels = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.type === 'level').map((r) => `${r.level}${r.reason === 'grow' || r.reason === 'start' ? '' : `(${r.reason})`}`);
      } catch {
        // not recover's JSON (the raw loop)
      }
      resolve({ ms, rssMb: kb ? Number(kb) / 1024 : undefined, answers, throttled, levels });
    });
  });
}

const nsx = (name, flags, opts = {}) =>
  run(name, process.execPath, [nsxBin, 'recover', INTEGRATION, '--yes', '--watch', '0', '--progress', 'none', '--output', 'json', ...flags, ...(opts.verbose ? ['--verbose'] : [])], nsxEnv(), { rss: true });
const floor = () => run('floor', process.execPath, ['--input-type=module', '-e', floorCode], env);

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
  seq300 = await measure('1', '-c 1 (300)', 300, L1, () => nsx('-c 1', []));
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
  seq300 ??= await measure('4', '-c 1 (300)', 300, L1, () => nsx('-c 1', []));
  // ---- case 4: sequential vs the raw loop at 50 ms (300 events), peak RSS
  const fl = await measure('4', 'floor (300)', 300, L1, floor);
  check('4 sequential / floor (50 ms, 300 ev)', seq300.ms / fl.ms, '< 1.1', seq300.ms / fl.ms < 1.1);
  const rss = Math.max(...rssAll);
  check('4 peak RSS of all nsx runs (MB)', rss, '< 150', TIME ? rss < 150 : true);
  }
} finally {
  sandboxProcess.stdin.end();
  receiverChild.proc.stdin.end();
  rmSync(scratch, { recursive: true, force: true });
}
console.log('');
for (const [name, value, goal, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.toFixed(2).padStart(7)}   goal ${goal}`);
if (!TIME) console.log('  (no /usr/bin/time: peak RSS not measured)');
process.exitCode = checks.every(([, , , ok]) => ok) ? 0 : 1;
