// What nsx says and does is true (issue 11, items 7, 8, 10, 12, 13): tokens follow the credentials,
// --fail-if-any --quiet is grep -q, local input is checked before anything is printed or sent, a busy
// sandbox port is named, and the smaller promises of recover, logs tail and friends.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { childEnv, isolatedHome, NSX_BIN, ROOT } from '../helpers/cli.js';
import { inProcessSandbox, runNsxInProcess, type InProcessSandboxHarness } from '../helpers/run-nsx-in-process.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('tokens follow the credentials (item 7)', () => {
  it('a changed secret is not answered from the cache; the cache never holds the secret', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const ok = await h.nsx(['integrations', 'list']);
    expect(ok.code).toBe(0);
    const cache = readFileSync(join(h.env.NSX_CACHE_DIR!, 'tokens.json'), 'utf8');
    expect(Object.keys(JSON.parse(cache))).toHaveLength(1);
    expect(cache).not.toContain(h.env.NSX_CLIENT_SECRET!);

    const wrong = await h.nsx(['integrations', 'list'], { env: { NSX_CLIENT_SECRET: 'wrong-secret-42' } });
    expect(wrong.code).toBe(4);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/could not obtain a token .* answered 401/);
    expect(wrong.stderr).not.toContain('wrong-secret-42');
    expect(readFileSync(join(h.env.NSX_CACHE_DIR!, 'tokens.json'), 'utf8')).not.toContain('wrong-secret-42');

    // The right secret again: the cached token serves (no token call).
    const again = await h.nsx(['integrations', 'list', '--verbose']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('(token, client');
  });

  it('whoami and doctor always ask for a fresh token, even with one cached', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    expect((await h.nsx(['integrations', 'list'])).code).toBe(0);
    const who = await h.nsx(['whoami', '--json', '--verbose']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout).token).toMatchObject({ ok: true, from_cache: false });
    expect(who.stderr).toContain('(token, client nsx-sandbox)');
    const doctor = await h.nsx(['doctor', '--verbose']);
    expect(doctor.stderr).toContain('(token, client nsx-sandbox)');
  });
});

describe('--fail-if-any --quiet is like grep -q (item 8)', () => {
  it('prints nothing at all and exits 6 when events wait, 0 when none', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    for (const args of [['rejected', 'list', 'erp-orders', '--fail-if-any', '--quiet'], ['-q', 'rejected', 'list', 'erp-orders', '--event', 'order.*', '--fail-if-any']]) {
      const r = await h.nsx(args);
      expect(r, args.join(' ')).toMatchObject({ code: 6, stdout: '', stderr: '' });
    }
    const none = await h.nsx(['rejected', 'list', 'wms-fulfillment', '--fail-if-any', '--quiet']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // Without --quiet the list is still printed, and the exit code is the same.
    const loud = await h.nsx(['rejected', 'list', 'erp-orders', '--fail-if-any', '-o', 'tsv']);
    expect(loud.code).toBe(6);
    expect(loud.stdout.trim().split('\n').length).toBe(h.sandbox.state.rejectedOf('erp-orders').length);
  });
});

describe('local input is checked before anything is printed or sent (item 10)', () => {
  it('stock import of a missing file: one stderr line, exit 2, no context line, nothing sent', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const imports = () => h!.sandbox.state.imports.size;
    const before = imports();
    for (const [args, message] of [
      [['stock', 'import', '/nonexistent/stock.csv'], 'error: cannot read /nonexistent/stock.csv: no such file'],
      [['stock', 'import', 'package.json', '--save-zip', '/nonexistent/dir/stock.zip'], 'error: --save-zip: cannot write /nonexistent/dir/stock.zip: its folder /nonexistent/dir does not exist'],
    ] as const) {
      const r = await h.nsx([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${message}\n`);
    }
    expect(imports()).toBe(before);
  });
});

describe('one message for a file that is not there (item 13)', () => {
  it('every command that reads a file names it the same way, never ENOENT', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const cases: Array<[string[], string]> = [
      [['stock', 'import', '/nonexistent/a.csv'], 'cannot read /nonexistent/a.csv: no such file'],
      [['stock', 'import', 'package.json', '--store-mapping', '/nonexistent/m.json'], '--store-mapping: cannot read /nonexistent/m.json: no such file'],
      [['stock', 'range', '/nonexistent/e.ndjson'], 'cannot read /nonexistent/e.ndjson: no such file'],
      [['recover', 'erp-orders', '--plan-in', '/nonexistent/plan.json'], '--plan-in: cannot read /nonexistent/plan.json: no such file'],
      [['integrations', 'register', 'hook', '--callback-url', 'https://erp.example.com/in', '--api-key-file', '/nonexistent/key'], '--api-key-file: cannot read /nonexistent/key: no such file'],
    ];
    for (const [args, message] of cases) {
      const r = await h.nsx(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(`error: ${message}\n`);
      expect(r.stderr).not.toMatch(/ENOENT|ENOTDIR/);
    }
  });
});

/** A port that was free a moment ago, with the next one free too (the sandbox's receiver takes port + 1). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const a = await listenOn(0);
    const port = (a.address() as AddressInfo).port;
    const b = await listenOn(port + 1).catch(() => undefined);
    await new Promise((r) => a.close(r));
    if (b) {
      await new Promise((r) => b.close(r));
      if (port + 11 < 65535) return port;
    }
  }
}

function listenOn(port: number, handler?: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = handler ? createServer(handler) : createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** The port a hint suggests after `flag`: ten, twenty, ... above the taken one (the first free then). */
function suggestedPort(text: string, flag: string, taken: number): number {
  const m = new RegExp(`nsx sandbox start ${flag} (\\d+)`).exec(text);
  expect(m, text).not.toBeNull();
  const p = Number(m![1]);
  expect(p).toBeGreaterThanOrEqual(taken + 10);
  expect((p - taken) % 10).toBe(0);
  return p;
}

/** Runs `nsx sandbox start ...` until it says it is running, then stops it with SIGTERM; its exit code. */
async function sandboxStartRuns(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [NSX_BIN, ...args], { env: childEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!stderr.includes('a local NewStore is running') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  return { code: await exited, stderr };
}

describe('a second sandbox start on a taken port (item 12)', () => {
  it('names the running sandbox and how to start another; its state file is left alone; the hint runs', async () => {
    const home = isolatedHome();
    const port = await freePortPair();
    const statePath = join(home.dir, 'first.json');
    const first = await startSandbox({ port, statePath, timeScale: 1000 });
    try {
      await first.core.persister!.flush();
      const before = readFileSync(statePath, 'utf8');
      const mtime = statSync(statePath).mtimeMs;
      let suggested = 0;
      for (const args of [['--port', String(port), '--state', statePath], ['--port', String(port)]]) {
        const r = await runNsxInProcess(['sandbox', 'start', ...args], { env: home.env, timeoutMs: 20_000 });
        expect(r.code, r.stderr).toBe(7);
        expect(r.stdout).toBe('');
        const [line, hint, ...rest] = r.stderr.trim().split('\n');
        expect(line).toBe(`error: a sandbox is already running at http://127.0.0.1:${port} (state ${statePath}): port ${port + 1} is taken`);
        suggested = suggestedPort(hint ?? '', '--port', port);
        expect(hint).toContain(`nsx sandbox start --port ${suggested} --state FILE`);
        expect(rest).toEqual([]);
        expect(r.stderr).not.toContain('EADDRINUSE');
      }
      expect(readFileSync(statePath, 'utf8')).toBe(before);
      expect(statSync(statePath).mtimeMs).toBe(mtime);
      // The hint, as printed (FILE named).
      const second = await sandboxStartRuns(['sandbox', 'start', '--port', String(suggested), '--state', join(home.dir, 'second.json')], home.env);
      expect(second.stderr).toContain(`base URL       http://127.0.0.1:${suggested}`);
      expect(second.code).toBe(0);
    } finally {
      await first.close();
      home.cleanup();
    }
  });

  it('something else on the port (or the receiver port): says it is not a sandbox and which flag picks another', async () => {
    const home = isolatedHome();
    const port = await freePortPair();
    const other = await listenOn(port, (_req, res) => res.writeHead(404).end('not here'));
    // port + 10 taken too (by us, or already by someone): the hint passes over it.
    const blocker = await listenOn(port + 10).catch(() => undefined);
    try {
      const r = await runNsxInProcess(['sandbox', 'start', '--port', String(port), '--receiver-port', '0', '--no-state'], { env: home.env });
      expect(r.code, r.stderr).toBe(7);
      const apiPort = suggestedPort(r.stderr, '--port', port);
      expect(apiPort).toBeGreaterThanOrEqual(port + 20);
      expect(r.stderr).toBe(
        `error: port ${port} on 127.0.0.1 is already in use by another program (not a sandbox: it does not answer /_sandbox/), so the sandbox cannot listen there\n` +
          `  pick another port: nsx sandbox start --port ${apiPort}\n`,
      );
      const receiver = await runNsxInProcess(['sandbox', 'start', '--port', '0', '--receiver-port', String(port), '--no-state'], { env: home.env });
      expect(receiver.code).toBe(7);
      expect(receiver.stderr).toContain(`port ${port} on 127.0.0.1 is already in use by another program (not a sandbox: it does not answer /_sandbox/), so the sandbox's receiver cannot listen there`);
      const receiverPort = suggestedPort(receiver.stderr, '--receiver-port', port);
      expect(receiver.stderr).toContain(`pick another port: nsx sandbox start --receiver-port ${receiverPort}`);
      // Both hints, as printed.
      const hinted = await sandboxStartRuns(['sandbox', 'start', '--port', String(apiPort), '--receiver-port', '0', '--no-state'], home.env);
      expect(hinted.stderr).toContain(`base URL       http://127.0.0.1:${apiPort}`);
      expect(hinted.code).toBe(0);
      const hintedReceiver = await sandboxStartRuns(['sandbox', 'start', '--port', '0', '--receiver-port', String(receiverPort), '--no-state'], home.env);
      expect(hintedReceiver.stderr).toContain(`:${receiverPort}`);
      expect(hintedReceiver.code).toBe(0);
    } finally {
      await new Promise((r) => other.close(r));
      if (blocker) await new Promise((r) => blocker.close(r));
      home.cleanup();
    }
  });
});

describe('smaller truths (item 13)', () => {
  it("the stop confirmation names the integration's real destination", async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const r = await h.nsx(['integrations', 'stop', 's3-archive']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Stopping s3-archive halts the events flowing to s3://acme-event-archive/newstore/events/ until someone runs');
    expect(r.stderr).not.toContain('ERP');
  });

  it('-q recover --dry-run still prints the plan', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const total = h.sandbox.state.rejectedOf('erp-orders').length;
    const r = await h.nsx(['-q', 'recover', 'erp-orders', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Plan for erp-orders:');
    expect(r.stderr).toContain(`${total} events of`);
    expect(r.stderr).not.toContain('profile default'); // the context line is for people: --quiet hides it
  });

  it('a normal Ctrl-C of logs tail is not an error: one line, exit 130', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    for (const mode of [[], ['-o', 'ndjson']]) {
      const child = spawn(process.execPath, [NSX_BIN, 'logs', 'tail', 'erp-orders', '--interval', '200ms', ...mode], { env: childEnv(h.env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const deadline = Date.now() + 15_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toMatch(/stopped following erp-orders after /);
      expect(stderr, mode.join(' ')).not.toMatch(/^error:|"error"/m);
    }
  });

  it('--drop takes only the keys that select rejected events, and its help says which', async () => {
    h = await inProcessSandbox({ scenario: 'demo' });
    const help = await h.nsx(['recover', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--drop <filter> delete matching events instead of retrying them (repeatable; keys: event, entity-id, status-code, since, until, match)');
    for (const expression of ['level=error', 'grep=timeout']) {
      const r = await h.nsx(['recover', 'erp-orders', '--drop', expression, '--dry-run']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/filters log entries, not rejected events; KEY is one of event, entity-id, status-code, since, until, match/);
    }
    const bogus = await h.nsx(['recover', 'erp-orders', '--drop', 'bogus=1', '--dry-run']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).not.toMatch(/level|grep/);
  });

  it('an unknown profile is exit 2 with the same message everywhere', { timeout: 120_000 }, async () => {
    const home = isolatedHome();
    try {
      expect((await runNsxInProcess(['config', 'set', 'tenant', 'acme', '--profile', 'real'], { env: home.env })).code).toBe(0);
      const commands = [
        ['integrations', 'list'],
        ['whoami'],
        ['doctor'],
        ['config', 'get', 'tenant'],
        ['config', 'unset', 'tenant'],
        ['auth', 'logout'],
        ['rejected', 'list', 'erp-orders'],
        ['recover', 'erp-orders', '--dry-run'],
      ];
      for (const args of commands) {
        // NSX_PROFILE for every command, --profile for a few (both name the profile the same way).
        for (const env of args[0] === 'doctor' || args[0] === 'config' ? [{ NSX_PROFILE: 'ghost' }, {}] : [{ NSX_PROFILE: 'ghost' }]) {
          const argv = 'NSX_PROFILE' in env ? args : ['--profile', 'ghost', ...args];
          const r = await runNsxInProcess(argv, { env: { ...home.env, ...env } });
          expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
          expect(r.stderr, argv.join(' ')).toMatch(/^error: (?:.*: )?profile "ghost" does not exist\n {2}known profiles: real\n$|^error: 1 of \d+ checks failed: profile\n$/m);
        }
      }
      const use = await runNsxInProcess(['config', 'use', 'ghost'], { env: home.env });
      expect(use.code).toBe(2);
      expect(use.stderr).toBe('error: profile "ghost" does not exist\n  known profiles: real\n');
    } finally {
      home.cleanup();
    }
  });
});

describe('recover tells the truth about time and about what is left (item 13)', () => {
  it('the estimate comes from measured retry calls and is close to the run it predicts; after --no-start nothing claims events wait', { timeout: 120_000 }, async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all', latency_ms: 60 });
    // Nothing measured yet: no number (a read's round trip says nothing about a retry's).
    const first = await h.nsx(['recover', 'erp-orders', '--dry-run']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('time not known yet (no retry or delete of erp-orders measured so far');
    expect(first.stderr).not.toMatch(/estimated \d/);

    // Measure on part of the events, then predict the rest, both one at a time: a call's round trip under
    // a higher level includes the server's queueing (2.6x here once, under CI's load), which is no
    // measure of a call made alone.
    const part = await h.nsx(['recover', 'erp-orders', '--only', 'event=order.created', '--no-start', '--yes', '--allow-remaining', '1000', '--concurrency', '1']);
    expect(part.stderr, part.stderr).toMatch(/handled \d+ events/);
    const left = h.sandbox.state.rejectedOf('erp-orders').length;
    expect(left).toBeGreaterThan(20);
    // Under --concurrency auto (the default) the estimate is at the cap: a floor, and said so.
    const auto = await h.nsx(['recover', 'erp-orders', '--dry-run', '--no-resume']);
    expect(auto.stderr).toMatch(/estimated at least [\d.]+m?s \(from \d+ measured calls of earlier runs\), up to 32 entities at a time as the tenant allows/);
    // At a fixed level it predicts the run.
    const dry = await h.nsx(['recover', 'erp-orders', '--dry-run', '--no-resume', '--concurrency', '1']);
    const estimate = /estimated ([\d.]+)(ms|s) \(from \d+ measured calls of earlier runs\)/.exec(dry.stderr);
    expect(estimate, dry.stderr).not.toBeNull();
    const estimateMs = Number(estimate![1]) * (estimate![2] === 's' ? 1000 : 1);
    expect(estimateMs).toBeGreaterThanOrEqual(left * 60); // every retry waits for the receiver's 60 ms

    const run = await h.nsx(['recover', 'erp-orders', '--no-start', '--yes', '--no-resume', '--concurrency', '1']);
    expect(run.code, run.stderr).toBe(0);
    const handled = /handled (\d+) events in ([\d.]+)(ms|s)/.exec(run.stderr);
    expect(Number(handled![1])).toBe(left);
    const actualMs = Number(handled![2]) * (handled![3] === 's' ? 1000 : 1);
    expect(estimateMs / actualMs).toBeGreaterThan(0.5);
    expect(estimateMs / actualMs).toBeLessThan(2);

    // Nothing waits now; the integration is still stopped. No "0 rejected events are waiting".
    expect(h.sandbox.state.rejectedOf('erp-orders')).toHaveLength(0);
    expect(run.stdout + run.stderr).not.toMatch(/0 rejected events are waiting/);
    // ... and not "recovered": nothing flows until it is started.
    expect(run.stderr).not.toMatch(/erp-orders recovered/);
    expect(run.stderr).toContain('erp-orders: its rejected events are handled; it is stopped (not started)');
    const again = await h.nsx(['recover', 'erp-orders', '--dry-run']);
    expect(again.stdout + again.stderr).not.toMatch(/0 rejected events are waiting|stopped at the rejected-events limit; /);
    expect(again.stderr).toContain('erp-orders is stopped (it had reached the rejected-events limit); its rejected events have all been handled: it only needs starting.');
  });
});
