// Shared by the list benchmarks (issue 4): an `nsx <list command> --output ndjson` over N items seeded into
// a sandbox, against a raw paginating undici loop over the same pages (same page size, keep-alive, its own
// node process). Judged by the nsx process's peak RSS (items streamed, not collected) and the ratio of the
// median wall times. The sandbox runs in its own process (dist/, so build first) and is seeded through
// its admin API. Both contenders write NDJSON to /dev/null; one extra run of each to a file checks that
// both printed every item, in the same order. Median of BENCH_RUNS (default 3) interleaved runs.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));

/**
 * nsx needs Node >= 22.19 and the benchmark runs it with this process's node: on an older node (the
 * machines ship 20) the script runs itself again through .ci/node24. Returns the exit code of that run,
 * or undefined when this node is recent enough.
 */
export function rerunOnNode24IfOld() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) return undefined;
  const r = spawnSync(`${root}.ci/node24`, ['node', ...process.argv.slice(1)], { stdio: 'inherit' });
  return r.status ?? 1;
}

/**
 * @param {{ title: string, integration: string, seed: Record<string, unknown>, path: string, envelopeKey: string,
 *           nsxArgs: string[], items: number, page?: number, goalRssMb?: number, goalRatio?: number }} spec
 * @returns {Promise<boolean>} whether both goals were met (the figures are printed)
 */
// Peak RSS: GNU time's "Maximum resident set size" when installed, else VmHWM polled from /proc.
export const HAVE_GNU_TIME = spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

/** Runs node with `args` in `cwd`, stdout to `outPath`: its wall time (ms) and peak RSS (MB); rejects on a non-zero exit. */
export function measureNode({ args, env, cwd, label = args.slice(0, 3).join(' ') }, outPath = '/dev/null') {
  const out = openSync(outPath, 'w');
  const [cmd, argv] = HAVE_GNU_TIME ? ['/usr/bin/time', ['-v', process.execPath, ...args]] : [process.execPath, args];
  const started = process.hrtime.bigint();
  const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  let hwmKb = 0;
  const poll = HAVE_GNU_TIME
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 20);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      closeSync(out);
      if (code !== 0) return reject(new Error(`${label} exited ${code}: ${stderr.slice(-2000)}`));
      const kb = HAVE_GNU_TIME ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) : hwmKb;
      resolve({ ms, rssMb: kb / 1024 });
    });
  });
}

export async function benchListVsRaw(spec) {
  const page = spec.page ?? 200;
  const goalRssMb = spec.goalRssMb ?? 150;
  const goalRatio = spec.goalRatio ?? 1.5;
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const sandboxEntry = `${root}dist/sandbox/index.js`;
  if (!existsSync(sandboxEntry) || !existsSync(`${root}dist/bundle/nsx.js`)) {
    console.error(`${spec.title}: dist/ is missing; run \`npm run build\` first`);
    return false;
  }

  const sandboxCode = `
    const { startSandbox } = await import(${JSON.stringify(sandboxEntry)});
    const sb = await startSandbox({ port: 0, statePath: null, scenario: 'empty', receiver: false });
    process.stdout.write(JSON.stringify({ baseUrl: sb.baseUrl, tokenUrl: sb.tokenUrl, clientId: sb.clientId, clientSecret: sb.clientSecret }) + '\\n');
    process.stdin.resume();
    process.stdin.on('end', async () => { await sb.close(); process.exit(0); });
  `;
  const sandboxProcess = spawn(process.execPath, ['--input-type=module', '-e', sandboxCode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const sandbox = await new Promise((resolve, reject) => {
    let text = '';
    sandboxProcess.stdout.setEncoding('utf8').on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]));
    });
    sandboxProcess.on('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it was ready`)));
  });

  // The raw loop: token once, then GET page after page on one keep-alive agent, one NDJSON line per item.
  const rawLoopCode = `
    const { Agent } = await import('undici');
    const { once } = await import('node:events');
    const { BENCH_BASE, BENCH_TOKEN_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_PATH, BENCH_PAGE, BENCH_KEY } = process.env;
    const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
    const tokenUrl = new URL(BENCH_TOKEN_URL);
    const tokenRes = await agent.request({
      origin: tokenUrl.origin, path: tokenUrl.pathname, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: BENCH_CLIENT_ID, client_secret: BENCH_CLIENT_SECRET }).toString(),
    });
    const { access_token } = await tokenRes.body.json();
    const origin = new URL(BENCH_BASE).origin;
    const count = Number(BENCH_PAGE);
    for (let offset = 0; ; ) {
      const res = await agent.request({ origin, path: BENCH_PATH + '?offset=' + offset + '&count=' + count, method: 'GET',
        headers: { authorization: 'Bearer ' + access_token, accept: 'application/json' } });
      const items = (await res.body.json())[BENCH_KEY];
      let out = '';
      for (const item of items) out += JSON.stringify(item) + '\\n';
      if (!process.stdout.write(out)) await once(process.stdout, 'drain');
      offset += items.length;
      if (items.length < count) break;
    }
    await agent.close();
  `;

  const home = mkdtempSync(join(tmpdir(), 'nsx-bench-'));
  const credentials = { PATH: process.env.PATH };
  const contenders = {
    nsx: {
      args: [`${root}bin/nsx.cjs`, ...spec.nsxArgs],
      env: {
        ...credentials,
        NO_COLOR: '1',
        NSX_BASE_URL: sandbox.baseUrl,
        NSX_TOKEN_URL: sandbox.tokenUrl,
        NSX_CLIENT_ID: sandbox.clientId,
        NSX_CLIENT_SECRET: sandbox.clientSecret,
        NSX_CONFIG_DIR: join(home, 'config'),
        NSX_CACHE_DIR: join(home, 'cache'),
        NSX_STATE_DIR: join(home, 'state'),
      },
    },
    raw: {
      args: ['--input-type=module', '-e', rawLoopCode],
      env: {
        ...credentials,
        BENCH_BASE: sandbox.baseUrl,
        BENCH_TOKEN_URL: sandbox.tokenUrl,
        BENCH_CLIENT_ID: sandbox.clientId,
        BENCH_CLIENT_SECRET: sandbox.clientSecret,
        BENCH_PATH: spec.path,
        BENCH_PAGE: String(page),
        BENCH_KEY: spec.envelopeKey,
      },
    },
  };

  const measure = (c, outPath) => measureNode({ ...c, cwd: root }, outPath);
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };

  let ok = false;
  try {
    const seeded = await fetch(`${sandbox.baseUrl}/_sandbox/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ integration_id: spec.integration, ...spec.seed }),
    });
    if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);

    // Correctness first (and warm-up): every item, once, and the same lines from both.
    const outputs = {};
    for (const [name, c] of Object.entries(contenders)) {
      const file = join(home, `${name}.ndjson`);
      await measure(c, file);
      outputs[name] = readFileSync(file, 'utf8');
      rmSync(file);
      const lines = outputs[name].trimEnd().split('\n').length;
      if (lines !== spec.items) throw new Error(`${name} printed ${lines} items, not ${spec.items}`);
    }
    if (outputs.nsx !== outputs.raw) throw new Error('nsx and the raw loop printed different NDJSON');

    const results = { nsx: [], raw: [] };
    for (let i = 0; i < runs; i++) for (const name of ['raw', 'nsx']) results[name].push(await measure(contenders[name]));
    const wall = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v.map((r) => r.ms))]));
    const rss = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.max(...v.map((r) => r.rssMb))]));
    const ratio = wall.nsx / wall.raw;
    const rssOk = rss.nsx < goalRssMb;
    const ratioOk = ratio <= goalRatio;
    ok = rssOk && ratioOk;
    console.log(`${spec.title} over ${spec.items.toLocaleString('en')} items, page size ${page} (node ${process.version}, median of ${runs} runs; peak RSS by ${HAVE_GNU_TIME ? '/usr/bin/time -v' : '/proc VmHWM'})`);
    console.log(`  raw undici loop      ${wall.raw.toFixed(0).padStart(6)} ms   peak RSS ${rss.raw.toFixed(1).padStart(6)} MB`);
    console.log(`  nsx --output ndjson  ${wall.nsx.toFixed(0).padStart(6)} ms   peak RSS ${rss.nsx.toFixed(1).padStart(6)} MB`);
    console.log(`  wall time ratio      ${ratio.toFixed(2)}x   ${ratioOk ? 'PASS' : 'FAIL'} (goal <= ${goalRatio}x)`);
    console.log(`  nsx peak RSS         ${rss.nsx.toFixed(1)} MB   ${rssOk ? 'PASS' : 'FAIL'} (goal < ${goalRssMb} MB)`);
  } catch (error) {
    console.error(`${spec.title}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    sandboxProcess.stdin.end();
    await new Promise((resolve) => sandboxProcess.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  }
  return ok;
}
