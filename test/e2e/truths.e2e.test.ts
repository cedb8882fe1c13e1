// What nsx says and does is true (issue 11, items 7, 8, 10, 12, 13): tokens follow the credentials,
// --fail-if-any --quiet is grep -q, local input is checked before anything is printed or sent, a busy
// sandbox port is named, and the smaller promises of recover, logs tail and friends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxHarness, type SandboxHarness } from '../helpers/sandbox.js';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('tokens follow the credentials (item 7)', () => {
  it('a changed secret is not answered from the cache; the cache never holds the secret', async () => {
    h = await sandboxHarness({ scenario: 'demo' });
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
    h = await sandboxHarness({ scenario: 'demo' });
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
    h = await sandboxHarness({ scenario: 'demo' });
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
    h = await sandboxHarness({ scenario: 'demo' });
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
    h = await sandboxHarness({ scenario: 'demo' });
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
