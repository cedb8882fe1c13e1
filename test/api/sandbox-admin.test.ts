// The sandbox's admin API client: what `nsx sandbox` verbs, `sandbox start`'s port check and the stock
// workflow's blob store call. Against a real in-process sandbox and, for "not a sandbox", a loopback
// server that answers something else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxAdminApi } from '../../src/api/sandbox-admin.js';
import { ExitCode, NsxError } from '../../src/errors.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox | undefined;
let other: LoopbackServer | undefined;
afterEach(async () => {
  await t?.close();
  await other?.close();
  t = other = undefined;
});

describe('SandboxAdminApi', () => {
  it('tells a sandbox from another program and from nothing at all', async () => {
    t = await startTestSandbox();
    expect(await new SandboxAdminApi(t.sb.baseUrl).info()).toMatchObject({ tenant: t.sb.tenant, client_id: t.sb.clientId, state_path: null });
    other = await serveHandlers([http.get('*/_sandbox/', () => HttpResponse.json({ hello: 'not a sandbox' }))]);
    expect(await new SandboxAdminApi(other.url).info()).toBeUndefined();
    expect(other.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /_sandbox/']);
    expect(await new SandboxAdminApi('http://127.0.0.1:9').info({ timeoutMs: 1500 })).toBeUndefined();
  });

  it('changes the sandbox (emit, receiver rule, reset) and says what it refused: 400 exits 2, no sandbox says how to start one', async () => {
    t = await startTestSandbox();
    const admin = new SandboxAdminApi(t.sb.baseUrl);
    const emitted = await admin.emit<{ emitted: number }>({ count: 3 });
    expect(emitted.emitted).toBe(3);
    expect(t.sb.state.nextSeq).toBe(4);
    await admin.setReceiverRule({ rule: 'fail-all' });
    expect(t.sb.receiver!.rule).toBe('fail-all');
    const refused = (await admin.reset({ scenario: 'nope' }).catch((e: unknown) => e)) as NsxError;
    expect(refused).toBeInstanceOf(NsxError);
    expect(refused.exitCode).toBe(ExitCode.usage);
    expect(refused.message).toMatch(/^sandbox POST \/_sandbox\/reset answered 400: /);
    const none = (await new SandboxAdminApi('http://127.0.0.1:9').reset({}).catch((e: unknown) => e)) as NsxError;
    expect(none.exitCode).toBe(ExitCode.error);
    expect(none.message).toMatch(/^no sandbox answers at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(none.hint).toBe('start one with: nsx sandbox start (or pass --url)');
  });

  it('puts a file in the blob store, where the sandbox serves it back', async () => {
    t = await startTestSandbox();
    const dir = mkdtempSync(join(tmpdir(), 'nsx-admin-'));
    try {
      const file = join(dir, 'data.zip');
      writeFileSync(file, 'zip bytes');
      const admin = new SandboxAdminApi(t.sb.baseUrl);
      const put = await admin.putFile('data.zip', file, 9, { timeoutMs: 5000 });
      expect(put.status).toBeLessThan(300);
      expect(admin.fileUrl('data.zip')).toBe(`${t.sb.baseUrl}/_sandbox/files/data.zip`);
      expect(await (await fetch(admin.fileUrl('data.zip'))).text()).toBe('zip bytes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
