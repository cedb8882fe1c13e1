// `nsx rejected <verb>` against the sandbox's demo scenario (erp-orders-sandbox.ts), nsx run in-process. Each test
// states what a user relies on: exit code, stdout, stderr, and what the server holds (and what its receiver
// got) afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSandboxProfile } from '../../helpers/sandbox.js';
import { ID, h, initial, resetSandbox, useErpOrdersSandbox } from './erp-orders-sandbox.js';

useErpOrdersSandbox();

describe('rejected show', () => {
  beforeAll(() => resetSandbox());

  it("prints the payload pretty-printed and the receiver's answer", async () => {
    const e = initial[5]!;
    const r = await h.nsx(['rejected', 'show', ID, e.id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`event           ${e.event.name}`);
    expect(r.stdout).toContain(JSON.stringify(e.event.payload, null, 2));
    expect(r.stdout).toContain('Receiver answered 400');
    expect(r.stdout).toContain(JSON.stringify(e.response?.body, null, 2));
  });

  it('prints the whole object in json modes', async () => {
    const e = initial[5]!;
    const json = await h.nsx(['rejected', 'show', ID, e.id, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(e);
    const nd = await h.nsx(['rejected', 'show', ID, e.id, '--output', 'ndjson']);
    expect(nd.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(nd.stdout)).toEqual(e);
  });

  it('an event that is not rejected (any more) is exit 5', async () => {
    const r = await h.nsx(['rejected', 'show', ID, 'evt-nope']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/no rejected event evt-nope for erp-orders/);
  });

  it("its hint is built from the invocation (ctx.command): the run's NSX_PROFILE becomes --profile, and the hint runs on its own", async () => {
    const profileOnly = writeSandboxProfile(h);
    const r = await h.nsx(['rejected', 'show', ID, 'evt-nope'], { env: { ...profileOnly, NSX_PROFILE: 'sandbox' } });
    expect(r.code, r.stderr).toBe(5);
    const hint = /list them: (.*)$/m.exec(r.stderr)?.[1];
    expect(hint).toBe(`nsx --profile sandbox rejected list ${ID}`);
    const typed = await h.nsx(hint!.split(' ').slice(1), { env: profileOnly });
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stdout.trimEnd().split('\n')).toHaveLength(initial.length);
  });
});
