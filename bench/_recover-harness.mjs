// The harness of the recover benchmarks (bench/recover.mjs, bench/recover-adaptive.mjs): the sandbox and
// the integrator's receiver, each in its own process; a re-seed of the same rejected events before every
// run; the check after it; the raw keep-alive loop that is the floor; and a runner that measures wall time
// and peak RSS. Needs dist/ (`npm run build`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
export const nsxBin = `${root}bin/nsx.cjs`;
export const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
export const INTEGRATION = 'bench-recover';
const BASE_PATH = '/api/v1/org/integrations/eventstream';
const sandboxEntry = `${root}dist/sandbox/index.js`;

// The receiver stands for the integrator's server, not for NewStore: it runs apart from the sandbox so the
// sandbox's process does only NewStore's work (as bench/sandbox.mjs does). It answers "count" on stdin with
// the number of deliveries it accepted, and "clear" by forgetting them.
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

/** The floor: a raw keep-alive undici loop that does recover's job: token, every page, each retry in order, start. */
export const floorCode = `
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

function startChild(code, what, who) {
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
  proc.on('exit', (code) => code && console.error(`${who}: the ${what} exited (${code})`));
  const nextLine = () =>
    new Promise((resolve) => {
      const take = () => (lines.length ? resolve(lines.shift()) : (waiting = take));
      take();
    });
  return { proc, nextLine, ask: (line) => (proc.stdin.write(`${line}\n`), nextLine()) };
}

/** Starts the sandbox and the receiver; `who` names the benchmark in its messages. */
export async function startRecoverBench(who) {
  if (!existsSync(sandboxEntry) || !existsSync(`${root}dist/bundle/nsx.js`)) {
    console.error(`${who}: dist/ is missing; run \`npm run build\` first`);
    process.exit(2);
  }
  const sandboxChild = startChild(sandboxCode, 'sandbox', who);
  const receiverChild = startChild(receiverCode, 'receiver', who);
  const sandbox = JSON.parse(await sandboxChild.nextLine());
  const receiver = JSON.parse(await receiverChild.nextLine());
  const scratch = mkdtempSync(join(tmpdir(), 'nsx-bench-recover-'));

  async function admin(method, path, body) {
    const res = await fetch(`${sandbox.baseUrl}/_sandbox/${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  }
  const bodies = { '': { id: INTEGRATION, callback_parameters: { callback_url: `${receiver.url}/erp` } } };
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

  let seededEvents = 0;
  /** The same rejected events every time: a reset, the integration, then the seed (by position), then the faults. */
  async function reseed(events, faults) {
    seededEvents = events;
    await admin('POST', 'reset', { scenario: 'empty' });
    await api('POST', ''); // registers (and starts) the integration, pointing at the external receiver
    await api('POST', `/${INTEGRATION}/_stop`);
    const seeded = await admin('POST', 'seed', { integration_id: INTEGRATION, rejected: events });
    if (seeded.rejected_events !== events) throw new Error(`seeded ${seeded.rejected_events} events, not ${events}`);
    await admin('PUT', 'faults', faults);
    await receiverChild.ask('clear');
  }

  /** After a run: nothing rejected is left, the integration runs, the receiver accepted every event. */
  async function verify(name) {
    await admin('DELETE', 'faults');
    const info = await admin('GET', '');
    const status = (await api('GET', `/${INTEGRATION}`)).status;
    const accepted = Number(await receiverChild.ask('count'));
    if (info.counts.rejected_events !== 0) throw new Error(`${name}: ${info.counts.rejected_events} rejected events left`);
    if (status !== 'running') throw new Error(`${name}: the integration is ${status}, not running`);
    if (accepted < seededEvents) throw new Error(`${name}: the receiver accepted only ${accepted} of ${seededEvents}`);
  }

  /** The environment of the floor (and of bench/recover.mjs's curl loop). */
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
  /** nsx's environment: the sandbox's credentials, and fresh config, state and cache folders for each run. */
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

  /**
   * Runs a command (under /usr/bin/time for its peak RSS when asked): wall ms, RSS MB, stdout and stderr.
   * BENCH_KEEP=<dir> keeps each run's stderr there (<name>.log), to read what a run did.
   */
  function run(name, command, args, childEnv, { rss = false } = {}) {
    return new Promise((resolve, reject) => {
      const [cmd, argv] = rss && TIME ? [TIME, ['-f', 'PEAK_RSS_KB=%M', command, ...args]] : [command, args];
      const started = performance.now();
      const child = spawn(cmd, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      child.on('close', (code) => {
        const ms = performance.now() - started;
        if (process.env.BENCH_KEEP) writeFileSync(join(process.env.BENCH_KEEP, `${name.replace(/\W+/g, '_')}.log`), stderr);
        if (code !== 0) return reject(new Error(`${name} exited ${code}:\n${stderr.slice(-2000)}`));
        const kb = /PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
        resolve({ ms, rssMb: kb ? Number(kb) / 1024 : undefined, stdout, stderr });
      });
    });
  }
  const floor = () => run('floor', process.execPath, ['--input-type=module', '-e', floorCode], env);

  function close() {
    sandboxChild.proc.stdin.end();
    receiverChild.proc.stdin.end();
    rmSync(scratch, { recursive: true, force: true });
  }
  return { sandbox, sandboxProcess: sandboxChild.proc, scratch, admin, api, reseed, verify, env, nsxEnv, run, floor, close };
}
