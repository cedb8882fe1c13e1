// `npm run bench`: runs every bench/*.mjs (each prints its figures and the ratios it is judged by) one
// after the other, so they never compete for the two cores, and ends with one line per benchmark.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const summary = [];
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, [`${dir}${script}`], { stdio: 'inherit' });
  summary.push(`${r.status === 0 ? 'PASS' : 'FAIL'}  ${script}  (${((Date.now() - t) / 1000).toFixed(0)}s)`);
}
console.log(`\n=== summary\n${summary.join('\n')}`);
process.exitCode = summary.some((l) => l.startsWith('FAIL')) ? 1 : 0;
