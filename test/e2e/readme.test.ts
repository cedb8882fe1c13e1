// Every command in the README's ```sh blocks runs, as a fresh machine would run it: real bash, a fresh HOME
// (a temp dir: no config, no cache, no completion folders), `nsx` on PATH as the built bin/nsx.cjs, and the
// README's profile "acme" (the current one) and "sandbox" pointing at a sandbox this test starts (its URL
// also in NSX_SANDBOX_URL, as the README documents). A command that cannot run here is in SKIPPED with the
// reason; a command whose documented answer is not exit 0 is in EXPECTED with the reason. A README command
// in neither list must exit 0, and an entry of either list that is no longer in the README fails the test.
// Most lines are alternatives: each runs with its own HOME and sandbox, six at a time. A line that reads
// what the line before wrote (--plan-in after --plan-out) runs after it, in the same HOME, and so do the
// lines of a configuration block (config set, then config unset; auth login, config use, ...).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { NSX_BIN, ROOT } from '../helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's shell blocks: each a list of commands (continuation lines joined, comments left out). */
export function shellBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  for (const match of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const lines = match[1]!.replace(/\\\n\s*/g, '').split('\n');
    blocks.push(lines.map((l) => l.replace(/\s+#\s.*$/, '').trim()).filter(Boolean));
  }
  return blocks;
}

/**
 * What a line runs as: its optional parts [--yes] kept when they are plain flags, dropped when they hold
 * placeholders. An optional part starts with a flag; other brackets (jq's .[], JMESPath's [?...]) are code.
 */
function runnable(line: string): string {
  return line
    .replace(/\s+\[(-[^\]]*)\]/g, (_, inner: string) => (/[|]|\b[A-Z]{2,}\b/.test(inner) ? '' : ` ${inner}`))
    .replace(/\s+/g, ' ')
    .trim();
}

const SKIPPED: Record<string, string> = {
  'npm test && npm run test:e2e': '.ci/run runs both (the whole suite, this test included)',
  'npm test': '.ci/run runs it',
  'npm run test:e2e': '.ci/run runs it (this test included)',
  'npm run typecheck': '.ci/run runs it',
  'npm run lint:layers': '.ci/run runs it',
  '.ci/run': 'CI itself: installs packages and runs the whole suite; not run from inside the suite',
  'npm run bench': 'benchmarks take minutes and want an idle machine; not a test',
  'npm run bench -- startup': 'a benchmark; not a test',
  'npm run completions': 'rewrites completions/ in the checkout; test/e2e/completion.test.ts fails when they differ from what it writes',
  'npm ci && npm pack': 'builds and packs the checkout; test/e2e/foundation.test.ts packs and installs it',
  'npm install -g ./nsx-*.tgz': 'a global install changes the machine; test/e2e/foundation.test.ts installs the pack into a temp prefix',
  'nsx sandbox start': 'a foreground server on the fixed port 4545; test/commands/sandbox and test/e2e cover it (this test starts its own on a free port)',
  'nsx sandbox start --reset --time-scale 60 --latency 50-300 --error-rate 0.05 --throttle-rate 0.05': 'the same foreground server, with options',
  'nsx --sandbox <any command>': 'a pattern, not a command: every line here that names --sandbox runs',
  'nsx auth login --profile acme --tenant acme': 'prompts in a terminal for the client id and secret of a real tenant',
  'nsx receiver check https://erp.example.com/newstore --api-key-env ERP_API_KEY': 'a receiver on the internet',
  'printf %s "$NSX_SECRET" | nsx auth login --profile ci --tenant acme-staging --client-id nsx-ci --client-secret-stdin':
    'logs in to a real tenant (acme-staging: its token URL is on the internet); test/e2e/foundation.test.ts logs in to the sandbox',
  'nsx status --watch 30s': 'redraws a terminal until Ctrl-C (without one: exit 2); test/commands/status drives it with a terminal IO',
  'nsx status --all-profiles --watch 1m': 'the same, for every profile',
  'nsx rejected triage erp-orders': 'interactive: needs a terminal; test/e2e/triage.e2e.test.ts drives it in tmux',
  'nsx stock import stock.csv --range 10-12 --upload-url-env STOCK_PUT_URL --source-uri s3://acme-imports/stock.zip --wait --json':
    "uploads to a real bucket's presigned URL; test/commands/stock/import.test.ts runs it against a local bucket",
  'nsx stock import availabilities.json --source-uri https://files.example.com/stock.zip --wait':
    'NewStore reads the zip from a server of yours (files.example.com); test/commands/stock/import.test.ts serves one',
  'export RECEIVER_API_KEY=$(openssl rand -hex 16)': 'part of the examples/receiver.mjs block: fixed port 8080; test/examples/receiver.test.ts runs the receiver and the check',
  'PORT=8080 node examples/receiver.mjs &': 'see export RECEIVER_API_KEY',
  'time nsx receiver check http://127.0.0.1:8080/newstore --api-key-env RECEIVER_API_KEY': 'see export RECEIVER_API_KEY',
  'nsx receiver check http://127.0.0.1:8080/newstore --api-key-env K --verify-url http://127.0.0.1:8080/processed --json':
    'needs a receiver on the fixed port 8080 (examples/receiver.mjs); test/examples/receiver.test.ts runs it',
  'export K=$(openssl rand -hex 16)': 'part of the sandbox receiver block: fixed port 8080; test/commands/sandbox/receiver.test.ts runs the receiver and the check',
  'nsx sandbox receiver --port 8080 --api-key-env K --rule dup-as-error &': 'see export K',
  'nsx receiver check http://127.0.0.1:8080/hook --api-key-env K --verify-url http://127.0.0.1:8080/hook': 'see export K',
};

/** Lines whose documented answer is not exit 0 on a fresh machine with the demo data. */
const EXPECTED: Record<string, { code: number; why: string }> = {
  'nsx rejected list erp-orders --fail-if-any --quiet': { code: 6, why: 'the documented exit 6: the demo has rejected events' },
  'nsx runs show 20261120T081502Z-3f9a': { code: 5, why: "the README's example run id: a fresh HOME has no runs (test/commands/runs runs real ones)" },
  'nsx runs resume 20261120T081502Z-3f9a': { code: 5, why: "the README's example run id (test/commands/runs resumes real ones)" },
  'nsx stock status imp-3f9a2c01 --wait': { code: 5, why: "the README's example import id (test/commands/stock waits on real ones)" },
  'nsx stock fail imp-3f9a2c01 --reason "stuck in received since Monday" --yes': { code: 5, why: "the README's example import id (test/commands/stock/fail.test.ts fails real ones)" },
  'nsx integrations delete old-erp --export ./backup/old-erp': { code: 5, why: "the README's example old-erp is not in the demo (test/commands/integrations deletes with --export)" },
  'nsx integrations register erp-orders --callback-url https://erp.example.com/newstore --api-key-file ~/.secrets/erp-key --events order.created,order.cancelled': {
    code: 7,
    why: 'the demo already has erp-orders: the documented refusal of a taken id (test/commands/integrations/register.test.ts registers new ones)',
  },
  'nsx status': { code: 6, why: 'the documented exit 6 of a monitor: the demo has erp-orders stopped with rejected events (test/commands/status runs every state)' },
  'nsx status --max-failure-rate 1%': { code: 6, why: 'exit 6: the demo has a stopped integration whatever the rate' },
  'nsx status --all-profiles': { code: 6, why: 'exit 6: both profiles of this test point at the demo sandbox' },
  'nsx status --profile acme,acme-staging': { code: 2, why: "the README's example profile acme-staging is not in a fresh config (test/commands/status reads two tenants)" },
  'nsx integrations update erp-orders --api-key-file ~/.secrets/erp-key-2026': { code: 3, why: 'it asks; without a terminal and without --yes, exit 3 as documented' },
  'nsx integrations update erp-orders --callback-url https://erp2.example.com/newstore --events order.created': { code: 3, why: 'it asks; without a terminal, exit 3' },
};

/** Lines that follow until Ctrl-C: interrupted after a moment, they exit 130 as documented. */
const FOLLOWING = new Set(['nsx logs tail erp-orders --interval 2s -n 10', 'nsx events tail --integration erp-orders --status failure']);

interface LineResult {
  line: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one line in real bash from `home`; `alert` (README: `... || alert`) is a function that prints. */
function runLine(line: string, home: string, env: NodeJS.ProcessEnv, interruptAfterMs?: number): Promise<LineResult> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `alert() { echo alert; }; ${line}`], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timers = [setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000)];
    if (interruptAfterMs) timers.push(setTimeout(() => process.kill(-child.pid!, 'SIGINT'), interruptAfterMs));
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ line, code: code ?? (signal === 'SIGINT' ? 130 : null), stdout, stderr });
    });
  });
}

/** A fresh HOME with the README's profiles (acme current, sandbox) on `sandbox`, nsx on PATH and the README's input files. */
function freshHome(sandbox: RunningSandbox): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(join(tmpdir(), 'nsx-readme-'));
  const bin = join(home, '.local', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'nsx'), `#!/bin/sh\nexec "${process.execPath}" "${NSX_BIN}" "$@"\n`, { mode: 0o755 });
  const config = join(home, '.config', 'nsx');
  mkdirSync(config, { recursive: true, mode: 0o700 });
  chmodSync(join(home, '.config'), 0o700);
  const profile = { tenant: sandbox.tenant, stage: 'sandbox', 'base-url': sandbox.baseUrl, 'token-url': sandbox.tokenUrl, 'client-id': sandbox.clientId };
  writeFileSync(join(config, 'config.json'), JSON.stringify({ current_profile: 'acme', profiles: { acme: profile, sandbox: profile } }), { mode: 0o600 });
  writeFileSync(join(config, 'credentials.json'), JSON.stringify({ profiles: { acme: { client_secret: sandbox.clientSecret }, sandbox: { client_secret: sandbox.clientSecret } } }), { mode: 0o600 });
  mkdirSync(join(home, '.secrets'), { mode: 0o700 });
  writeFileSync(join(home, '.secrets', 'erp-key'), 'readme-erp-key-0123456789abcdef\n', { mode: 0o600 });
  writeFileSync(join(home, '.secrets', 'erp-key-2026'), 'readme-erp-key-2026-0123456789ab\n', { mode: 0o600 });
  writeFileSync(join(home, 'patch.json'), JSON.stringify({ filter_conditions: { events: ['order.created'] } }));
  writeFileSync(join(home, 'stock.csv'), 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n');
  const completed = (key: string, node: string, lt: number) =>
    JSON.stringify({ tenant: 'acme', name: 'fulfillment_request.items_completed', idempotency_key: key, payload: { id: `fr-${key}`, fulfillment_location_id: node, logical_timestamp: lt } });
  writeFileSync(join(home, 'events.ndjson'), `${[completed('a', 'DC01', 10), completed('b', 'DC01', 12), completed('c', 'DC02', 11)].join('\n')}\n`);
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    NSX_SANDBOX_URL: sandbox.baseUrl,
    NSX_SECRET: sandbox.clientSecret,
    AWS_ACCESS_KEY_ID: 'AKIAREADMEEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'readme-example-secret-access-key',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
  };
  return { home, env };
}

const blocks = shellBlocks(README);
const sandboxes: RunningSandbox[] = [];
const homes: string[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('the README, command by command, from a fresh HOME', () => {
  it('finds the blocks, and every skip and expectation names a line still in the README', () => {
    const all = blocks.flat();
    expect(all.length).toBeGreaterThan(50);
    for (const line of [...Object.keys(SKIPPED), ...Object.keys(EXPECTED)]) expect(all.map(runnable).concat(all), line).toContain(line);
  });

  it('runs every command that is not skipped: exit 0, or the documented code', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    let ran = 0;
    let completions = 0;
    const jobs: string[][] = [];
    for (const block of blocks) {
      const kept = block.filter((l) => !(l in SKIPPED));
      if (kept.some((l) => /^nsx (config|auth)\b/.test(l))) {
        jobs.push(kept);
        continue;
      }
      for (const line of kept) {
        if (line.includes('--plan-in') && jobs.length) jobs[jobs.length - 1]!.push(line);
        else jobs.push([line]);
      }
    }
    const queue = [...jobs];
    const worker = async (): Promise<void> => {
      for (let lines = queue.shift(); lines; lines = queue.shift()) await runJob(lines);
    };
    const runJob = async (lines: string[]): Promise<void> => {
      {
        // As --sandbox runs it: the receiver accepts everything (the fix is deployed), so a recover succeeds.
        const sandbox = await startSandbox({ port: 0, statePath: null, timeScale: 1000, deliveryTimeoutMs: 5000, receiver: { rule: 'accept-all' } });
        sandboxes.push(sandbox);
        const { home, env } = freshHome(sandbox);
        homes.push(home);
        for (const raw of lines) {
          // The first command of the README: `npm ci` is .ci/run's; the rest runs as the built launcher.
          let line = raw === 'npm ci && npm run -s nsx -- --sandbox recover erp-orders --yes' ? 'nsx --sandbox recover erp-orders --yes' : runnable(raw);
          // recover watches the started integration for 10 s (or its --watch): here 1 s (the watch is tested in test/commands/recover).
          if (/^nsx .*\brecover\b.*--yes/.test(line) && raw === line) line = line.includes('--watch') ? line.replace(/--watch \S+/, '--watch 1s') : `${line} --watch 1s`;
          // Each line on the demo data as it starts, and without the runs of the lines before (they are alternatives).
          rmSync(join(home, '.local', 'state'), { recursive: true, force: true });
          await fetch(`${sandbox.adminUrl}/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
          const r = await runLine(line, home, env, FOLLOWING.has(line) ? 1500 : undefined);
          ran++;
          const want = FOLLOWING.has(line) ? 130 : (EXPECTED[raw] ?? EXPECTED[line])?.code ?? 0;
          if (r.code !== want) failures.push(`${line}\n  exit ${r.code}, expected ${want}\n  stderr: ${r.stderr.trim().split('\n').slice(0, 4).join('\n          ')}`);
        }
        // The completion install lines wrote where the shells look.
        for (const [shell, f] of [['bash', '.local/share/bash-completion/completions/nsx'], ['zsh', '.zfunc/_nsx'], ['fish', '.config/fish/completions/nsx.fish']] as const) {
          if (!lines.some((l) => l.includes(`nsx completion ${shell}`))) continue;
          if (!existsSync(join(home, f)) || !readFileSync(join(home, f), 'utf8').includes('complete')) failures.push(`completion file ${f} not written`);
          else completions++;
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(completions).toBe(3);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(ran).toBeGreaterThan(40);
  });
});
