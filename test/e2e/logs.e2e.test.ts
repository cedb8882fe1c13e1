// nsx logs where the process is the subject: a real terminal (tmux), a reader that goes away (EPIPE) and
// Ctrl-C as a signal. The sandbox is the one the in-process tests use (test/commands/logs/).
import { describe, expect, it } from 'vitest';
import { startNsx } from '../helpers/cli.js';
import { nsxInTerminal } from '../commands/tty.js';
import { h, SEEDED, type Entry, entries, lines, useSeededLogsSandbox } from '../commands/logs/seeded-logs-sandbox.js';

useSeededLogsSandbox();

describe('logs list', () => {
  it('draws a table in a terminal', async () => {
    const term = nsxInTerminal(['logs', 'list', 'erp-orders', '--limit', '5'], h.env);
    try {
      expect(await term.exitCode()).toBe(0);
      expect(term.screen()).toMatch(/^CREATED_AT\s+LEVEL\s+EVENT\s+STATUS\s+MESSAGE/m);
      expect(term.screen()).toMatch(/^\d{4}-\d\d-\d\dT\S+\s+error\s+order\.\w+\s+400\s+stopped: 100 rejected events/m);
    } finally {
      term.close();
    }
  });

  it('ends quietly with exit 0 when the reader goes away early (| head)', async () => {
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'many-logs', logs: 20_000 }); // far more than one pipe buffer
    const list = startNsx(['logs', 'list', 'many-logs', '--output', 'ndjson'], h.env);
    await list.waitForStdout(/\n/);
    list.child.stdout!.destroy(); // what `head -1` does once it has its line
    const result = await list.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|at /);
  });
});

describe('logs tail', () => {
  it('prints the last --lines entries, then new ones as they appear, oldest first and each once; Ctrl-C exits 130', async () => {
    const backlog = entries().slice(0, 3).reverse();
    const tail = startNsx(['logs', 'tail', SEEDED, '--lines', '3', '--interval', '150ms', '--output', 'ndjson'], h.env);
    await tail.waitForStdout(new RegExp(backlog[2]!.id));
    await h.admin('POST', '/_sandbox/seed', { integration_id: SEEDED, logs: 4 });
    const fresh = entries().slice(0, 4).reverse();
    await tail.waitForStdout(new RegExp(fresh[3]!.id));
    await new Promise((r) => setTimeout(r, 500)); // a few more polls: nothing may print twice
    tail.child.kill('SIGINT');
    const result = await tail.exited;
    expect(result.code, result.stderr).toBe(130);
    const printed = lines(result.stdout).map((l) => (JSON.parse(l) as Entry).id);
    expect(printed).toEqual([...backlog, ...fresh].map((e) => e.id));
    expect(result.stderr).toMatch(/stopped following seeded-logs/);
  });
});
