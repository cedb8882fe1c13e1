// Server text must not drive the terminal: what nsx prints for people escapes control characters, and
// json keeps the exact string (JSON-escaped).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { printable } from '../../src/output/printable.js';
import { isolatedHome } from '../helpers/cli.js';
import { inProcessSandbox, runNsxInProcess, type InProcessSandboxHarness } from '../helpers/run-nsx-in-process.js';

const TITLE = '\u001b]0;pwned\u0007'; // OSC: sets the window title
const CLEAR = '\u001b[2J\u001b[H'; // clears the screen
const C1 = '\u009b31m'; // C1 CSI
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('printable()', () => {
  it('escapes C0 (but tab and newline), DEL and C1 controls as \\xHH', () => {
    expect(printable(`a${TITLE}b`)).toBe('a\\x1b]0;pwned\\x07b');
    expect(printable(`x${C1}\u007f\r`)).toBe('x\\x9b31m\\x7f\\x0d');
    expect(printable('tab\tand\nnewline stay')).toBe('tab\tand\nnewline stay');
    expect(printable('ünïcødé · ✓')).toBe('ünïcødé · ✓');
  });
  it('keeps plain colour codes only when asked (nsx styles its own output), never other sequences', () => {
    expect(printable('\u001b[31mred\u001b[39m', true)).toBe('\u001b[31mred\u001b[39m');
    expect(printable('\u001b[31mred\u001b[39m')).toBe('\\x1b[31mred\\x1b[39m');
    expect(printable(`${CLEAR}${TITLE}`, true)).toBe('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07');
  });
});

let h: InProcessSandboxHarness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await h?.close();
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  h = server = undefined;
});

describe('hostile text from the server', () => {
  it('integrations list: table and tsv show escapes, json keeps the exact id', async () => {
    h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
    const id = `evil${TITLE}${CLEAR}${C1}`;
    const template = h.sandbox.state.integrations.get('erp-orders')!;
    h.sandbox.state.integrations.set(id, { ...structuredClone(template), id });

    for (const mode of ['table', 'tsv']) {
      const r = await h.nsx(['integrations', 'list', '--output', mode]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, mode).not.toMatch(RAW_CONTROL);
      expect(r.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\x9b31m');
    }
    const json = await h.nsx(['integrations', 'list', '--output', 'json']);
    expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((i) => i.id)).toContain(id);
    expect(json.stdout).not.toMatch(RAW_CONTROL); // JSON-escaped as \u001b
  });

  it('an error message from the server reaches stderr escaped, also with colours forced', async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-abcdefgh', expires_in: 300 }));
        return;
      }
      res.writeHead(500, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: `boom${TITLE}`, detail: `oops${CLEAR}`, status: 500 }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const home = isolatedHome();
    try {
      for (const extra of [{}, { FORCE_COLOR: '1' }]) {
        const r = await runNsxInProcess(['integrations', 'get', 'erp-orders', '--timeout', '2s'], {
          env: { ...home.env, NSX_BASE_URL: base, NSX_TOKEN_URL: `${base}/token`, NSX_TENANT: 't', NSX_CLIENT_ID: 'c', NSX_CLIENT_SECRET: 's3cr3t-value', NSX_RETRIES: '0', ...extra },
        });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('boom\\x1b]0;pwned\\x07');
        expect(r.stderr).toContain('oops\\x1b[2J\\x1b[H');
        expect(r.stderr.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW_CONTROL);
      }
    } finally {
      home.cleanup();
    }
  });
});
