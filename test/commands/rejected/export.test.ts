// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID, h, initial, ndjson, ids, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('rejected export', () => {
  let dir: string;
  beforeAll(async () => {
    await resetSandbox();
    dir = mkdtempSync(join(tmpdir(), 'nsx-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every rejected event as NDJSON to stdout, whatever --output says', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--output', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toEqual(initial);
    expect(r.stderr).toMatch(/exported 100 rejected events of erp-orders/);
  });

  it('applies the filters', async () => {
    const r = await h.nsx(['rejected', 'export', ID, '--event', 'order.opened']);
    expect(ids(ndjson(r.stdout))).toEqual(ids(initial.filter((e) => e.event.name === 'order.opened')));
  });

  it('--file: owner-only, complete; refuses to overwrite without --force', async () => {
    const file = join(dir, 'rejected.ndjson');
    const r = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ndjson(readFileSync(file, 'utf8'))).toEqual(initial);

    writeFileSync(file, 'keep me\n');
    const refused = await h.nsx(['rejected', 'export', ID, '--file', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists; pass --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');

    const forced = await h.nsx(['rejected', 'export', ID, '--file', file, '--force', '--event', 'order.created']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(ids(ndjson(readFileSync(file, 'utf8')))).toEqual(ids(initial.filter((e) => e.event.name === 'order.created')));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves no file behind when the export fails', async () => {
    const file = join(dir, 'missing.ndjson');
    const r = await h.nsx(['rejected', 'export', 'no-such-integration', '--file', file]);
    expect(r.code).toBe(5);
    expect(() => statSync(file)).toThrow();
  });
});
