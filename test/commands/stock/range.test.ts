// nsx stock range, run in-process: the logical-timestamp range of captured events, per node and in all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { runNsxInProcess } from '../../helpers/run-nsx-in-process.js';
import { tempDir, type TempDir } from '../../helpers/stock.js';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

describe('nsx stock range', () => {
  const event = (key: string, node: string, lt: number, name = 'fulfillment_request.items_completed') =>
    JSON.stringify({ tenant: 'acme', name, idempotency_key: key, payload: { id: `fr-${key}`, fulfillment_location_id: node, logical_timestamp: lt } });

  it('prints the range per node and for all nodes, ignoring duplicates and other events; json on request', async () => {
    const capture = [
      event('a', 'DC01', 10),
      event('a', 'DC01', 10), // delivered twice
      event('b', 'STORE-7', 11),
      event('c', 'DC01', 12),
      event('d', 'DC01', 13, 'fulfillment_request.assigned'), // still open: not a shipment
      event('e', 'STORE-7', 15),
    ].join('\n');
    const file = tmp.file('events.ndjson', capture);
    const table = await runNsxInProcess(['stock', 'range', file, '--output', 'tsv']);
    expect(table.code).toBe(ExitCode.ok);
    expect(table.stdout.trim().split('\n')).toEqual(['DC01\t10\t12\t2\t0\t12', 'STORE-7\t11\t15\t2\t1\t11', '*\t10\t15\t4\t1\t12']);
    expect(table.stderr).toContain('1 duplicates ignored');
    expect(table.stderr).toMatch(/STORE-7: 1 logical timestamp\(s\) inside 11-15 were in no captured event \(14\)/);

    const json = await runNsxInProcess(['stock', 'range', '-', '--json'], { input: capture });
    expect(json.code).toBe(ExitCode.ok);
    const report = JSON.parse(json.stdout) as { all: { from: number; to: number }; duplicates: number; nodes: unknown[] };
    expect(report.all).toMatchObject({ from: 10, to: 15 });
    expect(report.duplicates).toBe(1);
    expect(report.nodes).toHaveLength(2);
  });
});
