// examples/receiver.mjs, the README's example receiver, run as the program it is (node, standard library
// only), passes every check of nsx receiver check, --verify-url included, and keeps its promises on the wire.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { call } from '../helpers/sandbox.js';
import { runNsxInProcess } from '../helpers/run-nsx-in-process.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/receiver.mjs');
const KEY = 'example-receiver-key-5d2a';
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts the example on a free port; resolves with its origin once it listens. */
function startExample(env: Record<string, string>): Promise<string> {
  child = spawn(process.execPath, [EXAMPLE], { env: { PATH: process.env.PATH, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child!.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /receiver on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child!.on('exit', (code) => reject(new Error(`example exited ${code}: ${out}`)));
  });
}

describe('examples/receiver.mjs', () => {
  it('passes every check of nsx receiver check', async () => {
    const origin = await startExample({ RECEIVER_API_KEY: KEY });
    const r = await runNsxInProcess(['receiver', 'check', `${origin}/newstore`, '--api-key-env', 'K', '--verify-url', `${origin}/processed`, '--json'], { env: { K: KEY } });
    expect(r.exitCode, r.stderr).toBe(ExitCode.ok);
    const report = JSON.parse(r.stdout) as { checks: { key: string; status: string; summary: string }[]; summary: { pass: number } };
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.summary.pass).toBe(8);
  });

  it('processes an event once per name + key, answers duplicates 200 and refuses a missing key', async () => {
    const origin = await startExample({ RECEIVER_API_KEY: KEY });
    const auth = { authorization: `Bearer ${KEY}` };
    const event = { tenant: 't', name: 'order.created', published_at: new Date().toISOString(), idempotency_key: 'k1', payload: { id: 'o1' } };
    expect((await call(`${origin}/x`, 'POST', event, auth)).body).toEqual({ ok: true });
    expect((await call(`${origin}/x`, 'POST', event, auth)).body).toEqual({ ok: true, duplicate: true });
    expect((await call(`${origin}/x`, 'POST', { ...event, name: 'order.cancelled' }, auth)).body).toEqual({ ok: true });
    expect((await call(`${origin}/processed?name=order.created&idempotency_key=k1`, 'GET', undefined, auth)).body).toEqual({ processed: 1 });
    expect((await call(`${origin}/processed?name=order.cancelled&idempotency_key=k1`, 'GET', undefined, auth)).body).toEqual({ processed: 1 });
    expect((await call(`${origin}/x`, 'POST', event)).status).toBe(401);
    expect((await call(`${origin}/x`, 'POST', '{"name":', auth)).status).toBe(400);
  });

  it('will not start without an api key', async () => {
    await expect(startExample({})).rejects.toThrow(/exited 2/);
  });
});
