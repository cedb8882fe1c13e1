// Stock input given as "-" is the running command's stdin (the IO's), not the process's: in-process runs,
// several at once, each read what was piped to them.
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { isolatedHome, type IsolatedHome } from '../../helpers/cli.js';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';

let home: IsolatedHome | undefined;
afterEach(() => home?.cleanup());

const event = (key: string, node: string, lt: number) =>
  JSON.stringify({ tenant: 'acme', name: 'fulfillment_request.items_completed', idempotency_key: key, payload: { id: `fr-${key}`, fulfillment_location_id: node, logical_timestamp: lt } });

describe('stock input from stdin', () => {
  it('stock range - reads the events piped to this run', async () => {
    home = isolatedHome();
    const [a, b] = await Promise.all([
      runNsxInProcess(['stock', 'range', '-', '--json'], { env: home.env, input: [event('a', 'DC01', 10), event('b', 'DC01', 12)].join('\n') }),
      runNsxInProcess(['stock', 'range', '-', '--json'], { env: home.env, input: event('c', 'STORE-7', 40) }),
    ]);
    expect(a.code, a.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(a.stdout).all).toMatchObject({ from: 10, to: 12 });
    expect(b.code, b.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(b.stdout).all).toMatchObject({ from: 40, to: 40 });
  });

  it('stock import - --dry-run checks the rows piped to this run', async () => {
    home = isolatedHome();
    const r = await runNsxInProcess(['stock', 'import', '-', '--dry-run', '--range', '1-2', '--json'], {
      env: home.env,
      input: 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n10000103,DC01,4\n10000104,STORE-7,1\n',
    });
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/"items": ?3/);
  });
});
