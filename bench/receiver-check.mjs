// The goal of `nsx receiver check`: the whole default check (43 deliveries) against examples/receiver.mjs
// in under 5 s, measured as a user sees it: the built CLI, wall clock, start-up included (best of 3), and
// once more with --verify-url. Prints the figures and the ratio to the goal; exits 1 when it is missed.
// Run after `npm run -s build`: node bench/receiver-check.mjs
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const GOAL_MS = 5000;
const key = randomBytes(16).toString('hex');
const receiver = spawn(process.execPath, [`${root}examples/receiver.mjs`], { env: { ...process.env, PORT: '0', RECEIVER_API_KEY: key }, stdio: ['ignore', 'pipe', 'inherit'] });
const origin = await new Promise((resolve, reject) => {
  let out = '';
  receiver.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    const m = /receiver on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
    if (m) resolve(m[1]);
  });
  receiver.on('exit', (code) => reject(new Error(`the example receiver exited ${code}`)));
});

function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [`${root}bin/nsx.cjs`, 'receiver', 'check', `${origin}/newstore`, '--api-key-env', 'K', ...args], { env: { ...process.env, K: key }, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`nsx receiver check exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return { ms, line: r.stderr.trim().split('\n').pop() };
}

try {
  const runs = [timed([]), timed([]), timed([])];
  const best = Math.min(...runs.map((r) => r.ms));
  const verify = timed(['--verify-url', `${origin}/processed`]);
  console.log(`default check: ${runs.map((r) => `${Math.round(r.ms)} ms`).join(', ')} (best ${Math.round(best)} ms); ${runs[0].line}`);
  console.log(`with --verify-url: ${Math.round(verify.ms)} ms; ${verify.line}`);
  console.log(`goal: under ${GOAL_MS} ms · ratio best/goal ${(best / GOAL_MS).toFixed(2)}`);
  process.exitCode = best < GOAL_MS ? 0 : 1;
} finally {
  receiver.kill();
}
