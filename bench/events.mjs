// `nsx events list --output ndjson` over 100,000 published-events attempts in a 24 h window (issue 13),
// seeded through the sandbox admin API: the sandbox answers at most LIMITS.publishedEventsAnswerCap (1000)
// attempts, so nsx reads the day in slices (a full answer is read again as two halves) and streams them.
// Judged by the nsx process's peak RSS (goal < 150 MB: streamed, not collected); it also prints the wall
// time and checks that every attempt was printed once, newest first. The sandbox runs in its own process
// (dist/, so build first). Median of BENCH_RUNS (default 3) runs.
// Usage: npm run build && node bench/events.mjs   (BENCH_ATTEMPTS, BENCH_RUNS; exit 1 when a goal is missed)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HAVE_GNU_TIME, measureNode, rerunOnNode24IfOld } from './_list-vs-raw.mjs';

const rerun = rerunOnNode24IfOld();
if (rerun !== undefined) process.exit(rerun);

const root = process.env.BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GOAL_RSS_MB = 150;
const DAY_MS = 86_400_000;
const INTEGRATION = 'bench-events';

if (!existsSync(`${root}dist/sandbox/index.js`) || !existsSync(`${root}dist/bundle/nsx.js`)) {
  console.error('events list: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const sandboxCode = `
  const { startSandbox } = await import(${JSON.stringify(`${root}dist/sandbox/index.js`)});
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

const home = mkdtempSync(join(tmpdir(), 'nsx-bench-events-'));

/** Runs nsx with `args`, stdout to `outPath`; its wall time and peak RSS (GNU time, else /proc VmHWM polled). */
function measure(args, outPath = '/dev/null') {
  const env = {
    PATH: process.env.PATH,
    NO_COLOR: '1',
    NSX_BASE_URL: sandbox.baseUrl,
    NSX_TOKEN_URL: sandbox.tokenUrl,
    NSX_CLIENT_ID: sandbox.clientId,
    NSX_CLIENT_SECRET: sandbox.clientSecret,
    NSX_CONFIG_DIR: join(home, 'config'),
    NSX_CACHE_DIR: join(home, 'cache'),
    NSX_STATE_DIR: join(home, 'state'),
  };
  return measureNode({ args: [`${root}bin/nsx.cjs`, ...args], env, cwd: root, label: `nsx ${args.join(' ')}` }, outPath);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

let ok = false;
try {
  // The window is given explicitly, so that none of the day ages out between the runs.
  const seeded = await fetch(`${sandbox.baseUrl}/_sandbox/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ integration_id: INTEGRATION, published: ATTEMPTS, published_span_ms: DAY_MS - 1000 }),
  });
  if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
  const until = new Date().toISOString(); // the seeded attempts end just before this and span 24 h less a second
  const since = new Date(Date.parse(until) - DAY_MS).toISOString();
  const args = ['events', 'list', '--since', since, '--until', until, '--output', 'ndjson'];

  // Correctness first (and warm-up): every attempt once, newest first.
  const file = join(home, 'events.ndjson');
  await measure(args, file);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  rmSync(file);
  if (lines.length !== ATTEMPTS) throw new Error(`nsx printed ${lines.length} attempts, not ${ATTEMPTS}`);
  const parsed = lines.map((l) => JSON.parse(l));
  if (new Set(parsed.map((a) => a.entity_id)).size !== ATTEMPTS) throw new Error('an attempt was printed twice');
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].attempted_at > parsed[i - 1].attempted_at) throw new Error(`not newest first at line ${i + 1}`);
  }

  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await measure(args));
  const wall = median(results.map((r) => r.ms));
  const rss = Math.max(...results.map((r) => r.rssMb));
  ok = rss < GOAL_RSS_MB;
  console.log(`events list over ${ATTEMPTS.toLocaleString('en')} attempts in a 24 h window, answers capped at 1000 (node ${process.version}, median of ${RUNS} runs; peak RSS by ${HAVE_GNU_TIME ? '/usr/bin/time -v' : '/proc VmHWM'})`);
  console.log(`  nsx --output ndjson  ${wall.toFixed(0).padStart(6)} ms   (${Math.round(ATTEMPTS / (wall / 1000)).toLocaleString('en')} attempts/s; every attempt once, newest first)`);
  console.log(`  nsx peak RSS         ${rss.toFixed(1)} MB   ${ok ? 'PASS' : 'FAIL'} (goal < ${GOAL_RSS_MB} MB)`);
} catch (error) {
  console.error(`events list: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  sandboxProcess.stdin.end();
  await new Promise((resolve) => sandboxProcess.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
