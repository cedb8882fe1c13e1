// `nsx rejected` end to end: the built CLI against the sandbox's demo scenario (erp-orders: stopped with 100
// rejected order events). Each test states what a user relies on: exit code, stdout, stderr, and what the
// server holds (and what its receiver got) afterwards.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';
import type { RejectedEvent } from '../../src/api/schemas.js';
import { childEnv, NSX_BIN } from '../helpers/cli.js';
import { shellQuote, startTmux, TMUX } from '../helpers/tmux.js';

const ID = 'erp-orders';
/** A closed port: a command that sent a request there would fail with exit 1, not 2. */
const NOWHERE = { NSX_BASE_URL: 'http://127.0.0.1:9', NSX_TOKEN_URL: 'http://127.0.0.1:9/token' };

let h: SandboxHarness;
/** The demo's rejected events as the server holds them at the start of each test. */
let initial: RejectedEvent[];

const serverIds = (): string[] => (h.sandbox.state.rejected.get(ID) ?? []).map((r) => r.id);
const serverEvent = (id: string) => h.sandbox.state.rejected.get(ID)?.find((r) => r.id === id);
/** What the demo receiver got for erp-orders (its callback path is /erp), in arrival order. */
const erpDeliveries = () => (h.sandbox.receiver?.log ?? []).filter((d) => d.path.startsWith('/erp'));
const ndjson = (text: string): RejectedEvent[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectedEvent);
const ids = (events: { id: string }[]) => events.map((e) => e.id);

async function resetSandbox(rule = 'accept-all'): Promise<void> {
  await h.admin('POST', '/_sandbox/reset', {});
  await h.admin('PUT', '/_sandbox/receiver/rule', { rule, latency_ms: null });
  h.sandbox.receiver?.clearLog();
  initial = JSON.parse(JSON.stringify(h.sandbox.state.rejected.get(ID))) as RejectedEvent[];
}

beforeAll(async () => {
  h = await sandboxHarness({ scenario: 'demo' });
  await resetSandbox();
  expect(initial.length).toBe(100);
});
afterAll(() => h.close());

describe('rejected retry', () => {
  beforeEach(() => resetSandbox());


  it('Ctrl-C finishes the retry in flight, prints the summary and exits 130; the rest stay rejected', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all', latency_ms: 100 });
    const child = spawn(process.execPath, [NSX_BIN, 'rejected', 'retry', ID, '--all', '--yes'], { env: childEnv(h.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!interrupted && /\[ *2\/100\] delivered/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const delivered = Number(/retried 100 selected: (\d+) delivered, 0 still rejected, 0 not found, (\d+) not processed/.exec(stderr)?.[1]);
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(stderr).toMatch(new RegExp(`interrupted: ${100 - delivered} selected events were not retried`));
    expect(serverIds()).toEqual(ids(initial.slice(delivered)));
  });
});

describe('rejected delete', () => {
  beforeEach(() => resetSandbox());


  it.skipIf(!TMUX)('asks in a terminal: "n" keeps the event (exit 3), "y" deletes it', async () => {
    const target = initial[0]!;
    const env = { ...h.env, HOME: h.env.HOME!, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1' };
    const command = `${shellQuote(process.execPath)} ${shellQuote(NSX_BIN)} rejected delete ${ID} ${target.id}`;
    for (const [answer, exit] of [['n', 3], ['y', 0]] as const) {
      const term = startTmux(command, env);
      try {
        await term.waitFor(/Delete 1 rejected event of erp-orders \(order\.\w+: 1\)\? They will never be delivered/);
        term.type(answer);
        term.keys('Enter');
        const screen = await term.waitFor(/\[exit \d+\]/);
        expect(screen).toContain(`[exit ${exit}]`);
        if (answer === 'n') {
          expect(screen).toMatch(/cancelled: nothing was changed/);
          expect(serverIds()).toContain(target.id);
        } else {
          expect(screen).toMatch(/deleted 1 selected: 1 deleted/);
          expect(serverIds()).not.toContain(target.id);
        }
      } finally {
        term.close();
      }
    }
  });
});
