// Start-up cost: wall time of `nsx --version` and `nsx --help` against bare `node -e 0`, same node,
// same machine, one run; median of RUNS runs each (interleaved so that machine noise hits all alike).
// Goals (issue 2): --version <= 1.3x, --help <= 1.6x of bare node. bin/nsx.cjs answers both without
// loading the command tree (--help from dist/root-help.txt, rendered by the build); a subcommand's help
// (commander + the whole tree) is printed for information.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const bin = fileURLToPath(new URL('../bin/nsx.cjs', import.meta.url));
const env = { ...process.env, NO_COLOR: '1', NSX_CONFIG_DIR: '/nonexistent-nsx-bench' };
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'nsx --version', args: [bin, '--version'], goal: 1.3 },
  { name: 'nsx --help', args: [bin, '--help'], goal: 1.6 },
  // For information: a subcommand's help goes through commander and the whole command tree.
  { name: 'nsx logs --help', args: [bin, 'logs', '--help'] },
];

function once(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const c of cases) for (let i = 0; i < 3; i++) once(c.args); // warm the compile cache and page cache
const times = cases.map(() => []);
for (let i = 0; i < RUNS; i++) cases.forEach((c, j) => times[j].push(once(c.args)));

const base = median(times[0]);
let ok = true;
console.log(`startup (node ${process.version}, median of ${RUNS} runs)`);
cases.forEach((c, j) => {
  const m = median(times[j]);
  const ratio = m / base;
  const verdict = c.goal ? (ratio <= c.goal ? `PASS (goal <= ${c.goal}x)` : `FAIL (goal <= ${c.goal}x)`) : j === 0 ? 'baseline' : 'for information';
  if (c.goal && ratio > c.goal) ok = false;
  console.log(`  ${c.name.padEnd(16)} ${m.toFixed(1).padStart(7)} ms   ${ratio.toFixed(2)}x   ${verdict}`);
});
process.exitCode = ok ? 0 : 1;
