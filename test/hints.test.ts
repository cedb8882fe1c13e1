// nsxCommand: the one builder of the commands nsx prints. The e2e tests run what it builds; this pins the
// rules for the prefix (what the invocation chose), that each run has its own, and the quoting.
import { describe, expect, it } from 'vitest';
import { invocationWords, nsxCommand, withInvocation } from '../src/hints.js';

const inInvocation = (flags: Parameters<typeof invocationWords>[0], env: NodeJS.ProcessEnv, ...words: string[]) =>
  withInvocation(invocationWords(flags, env), () => nsxCommand(...words));

describe('nsxCommand', () => {
  it('repeats the target the invocation chose: --sandbox, the profile (also from NSX_PROFILE), target flags', () => {
    expect(inInvocation({ profile: 'acme', tenant: 'acme-staging', stage: 'x', baseUrl: 'http://127.0.0.1:4545', tokenUrl: 'http://127.0.0.1:4545/t', timeout: '5s' }, {}, 'rejected', 'list', 'erp-orders')).toBe(
      'nsx --profile acme --tenant acme-staging --stage x --base-url http://127.0.0.1:4545 --token-url http://127.0.0.1:4545/t --timeout 5s rejected list erp-orders',
    );
    expect(inInvocation({}, { NSX_PROFILE: 'sandbox' }, 'recover', 'erp-orders')).toBe('nsx --profile sandbox recover erp-orders');
    expect(inInvocation({ sandbox: true }, { NSX_PROFILE: 'sandbox' }, 'recover', 'erp-orders')).toBe('nsx --sandbox recover erp-orders');
    expect(inInvocation({}, {}, 'recover', 'erp-orders')).toBe('nsx recover erp-orders');
    expect(nsxCommand('recover', 'erp-orders')).toBe('nsx recover erp-orders');
  });

  it('keeps two invocations running at once apart (each async context has its own words)', async () => {
    const later = (words: readonly string[], ms: number) =>
      withInvocation(words, async () => {
        await new Promise((r) => setTimeout(r, ms));
        return nsxCommand('rejected', 'list', 'erp-orders');
      });
    const [a, b] = await Promise.all([later(['--profile', 'a'], 20), later(['--sandbox'], 5)]);
    expect(a).toBe('nsx --profile a rejected list erp-orders');
    expect(b).toBe('nsx --sandbox rejected list erp-orders');
  });

  it('quotes words a shell would split or expand, spreads arrays and leaves out falsy words', () => {
    expect(nsxCommand('recover', 'erp-orders', ['--drop', 'event=order.* status-code=400'], false, undefined, '--yes')).toBe(
      "nsx recover erp-orders --drop 'event=order.* status-code=400' --yes",
    );
    expect(nsxCommand('rejected', 'list', "it's")).toBe("nsx rejected list 'it'\\''s'");
  });
});
