// nsx logs tail, in-process, against the sandbox (seeded-logs-sandbox.ts): --until-stopped exit 7, the
// backlog in every output mode, and Ctrl-C through the IO (exit 130).
import { describe, expect, it } from 'vitest';
import { h, SEEDED, type Entry, entries, lines, useSeededLogsSandbox } from './seeded-logs-sandbox.js';

useSeededLogsSandbox();

describe('logs tail', () => {
  it("Ctrl-C (the IO's interrupt) stops following: exit 130, a line for people, the entries so far on stdout", async () => {
    const tail = h.start(['logs', 'tail', SEEDED, '--lines', '2', '--interval', '150ms', '--output', 'ndjson']);
    await tail.waitForStdout(/\n.*\n/);
    tail.interrupt();
    const result = await tail.result;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(lines(result.stdout).map((l) => (JSON.parse(l) as Entry).id)).toEqual(entries().slice(0, 2).reverse().map((e) => e.id));
    expect(result.stderr).toMatch(/stopped following seeded-logs/);
  });

  it('--until-stopped exits 7 once the integration is stopped, after printing the entry that says so', async () => {
    const tail = h.start(['logs', 'tail', 'wms-fulfillment', '--until-stopped', '--lines', '1', '--interval', '150ms']);
    await tail.waitForStdout(/\n/);
    const stop = await h.nsx(['integrations', 'stop', 'wms-fulfillment', '--yes']);
    expect(stop.code, stop.stderr).toBe(0);
    const result = await tail.result;
    expect(result.code, result.stderr).toBe(7);
    expect(result.stdout).toMatch(/\tinfo\t\t\tintegration stopped by the user\n$/);
    expect(result.stderr).toMatch(/^error: wms-fulfillment is stopped$/m);
  });

  it('--until-stopped on a stopped integration prints the backlog and exits 7 at once', async () => {
    const r = await h.nsx(['logs', 'tail', 'erp-orders', '--until-stopped', '--lines', '2', '--output', 'ndjson']);
    expect(r.code, r.stderr).toBe(7);
    expect(lines(r.stdout).map((l) => (JSON.parse(l) as Entry).id)).toEqual(entries('erp-orders').slice(0, 2).reverse().map((e) => e.id));
  });

  it('--json prints one JSON document per entry (a stream jq reads)', async () => {
    const r = await h.nsx(['logs', 'tail', 'erp-orders', '--until-stopped', '--lines', '2', '--json']);
    expect(r.code, r.stderr).toBe(7);
    const docs = r.stdout.split(/\n(?=\{)/).map((d) => JSON.parse(d) as Entry);
    expect(docs.map((d) => d.id)).toEqual(entries('erp-orders').slice(0, 2).reverse().map((e) => e.id));
  });
});
