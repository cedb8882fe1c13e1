// nsxCommand: the one builder of the commands nsx prints. The e2e tests run what it builds; this pins the
// rules for the prefix (what the invocation chose) and the quoting.
import { afterEach, describe, expect, it } from 'vitest';
import { nsxCommand, setInvocation } from '../src/hints.js';

afterEach(() => setInvocation({}, {}));

describe('nsxCommand', () => {
  it('repeats the target the invocation chose: --sandbox, the profile (also from NSX_PROFILE), target flags', () => {
    setInvocation({ profile: 'acme', tenant: 'acme-staging', stage: 'x', baseUrl: 'http://127.0.0.1:4545', tokenUrl: 'http://127.0.0.1:4545/t', timeout: '5s' }, {});
    expect(nsxCommand('rejected', 'list', 'erp-orders')).toBe(
      'nsx --profile acme --tenant acme-staging --stage x --base-url http://127.0.0.1:4545 --token-url http://127.0.0.1:4545/t --timeout 5s rejected list erp-orders',
    );
    setInvocation({}, { NSX_PROFILE: 'sandbox' });
    expect(nsxCommand('recover', 'erp-orders')).toBe('nsx --profile sandbox recover erp-orders');
    setInvocation({ sandbox: true }, { NSX_PROFILE: 'sandbox' });
    expect(nsxCommand('recover', 'erp-orders')).toBe('nsx --sandbox recover erp-orders');
    setInvocation({}, {});
    expect(nsxCommand('recover', 'erp-orders')).toBe('nsx recover erp-orders');
  });

  it('quotes words a shell would split or expand, spreads arrays and leaves out falsy words', () => {
    expect(nsxCommand('recover', 'erp-orders', ['--drop', 'event=order.* status-code=400'], false, undefined, '--yes')).toBe(
      "nsx recover erp-orders --drop 'event=order.* status-code=400' --yes",
    );
    expect(nsxCommand('rejected', 'list', "it's")).toBe("nsx rejected list 'it'\\''s'");
  });
});
