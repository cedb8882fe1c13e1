// Validate -> convert -> zip: what reaches NewStore is the same whatever the input format, and every class
// of bad input is refused with its line or JSON path before anything is sent.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { InvalidStockInputError } from '../../../src/workflows/stock/problems.js';
import { packageAvailabilities, type PackageRequest } from '../../../src/workflows/stock/package.js';
import { availabilitiesOf, tempDir, type TempDir } from '../../helpers/stock.js';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const ITEMS = [
  { product_id: '10000102', fulfillment_node_id: 'DC01', quantity: 17 },
  { product_id: 'SKU "quoted", with comma', fulfillment_node_id: 'DC01', quantity: 0 },
  { product_id: 'Ünïcödé-😀', fulfillment_node_id: 'STORE-7', quantity: 1234567 },
];
const JSON_DOC = { head: { logical_timestamp_range: { from: 10, to: 12 } }, items: ITEMS };
const CSV = [
  'product_id,fulfillment_node_id,quantity',
  '10000102,DC01,17',
  '"SKU ""quoted"", with comma",DC01,0',
  'Ünïcödé-😀,STORE-7,1234567',
].join('\r\n');
const NDJSON = ITEMS.map((i) => JSON.stringify(i)).join('\n');

let counter = 0;
/** Packages `content` saved as `name` (the extension picks the format), each run in its own work dir. */
async function pack(content: string | Buffer, name: string, extra: Partial<PackageRequest> = {}) {
  const input = tmp.file(`${counter++}-${name}`, content);
  return packageAvailabilities({ input, workDir: await workdir(), ...extra });
}
function workdir(): Promise<string> {
  return mkdtemp(join(tmp.dir, 'work-'));
}
async function problemsOf(content: string, name: string, extra: Partial<PackageRequest> = {}): Promise<InvalidStockInputError> {
  const error = await pack(content, name, extra).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidStockInputError);
  expect((error as InvalidStockInputError).exitCode).toBe(ExitCode.usage);
  return error as InvalidStockInputError;
}

describe('conversion', () => {
  it('CSV (quoted fields, CRLF, any order of columns) and NDJSON zip to exactly the JSON form', async () => {
    const fromJson = await pack(JSON.stringify(JSON_DOC), 'stock.json');
    const fromCsv = await pack(CSV, 'stock.csv', { range: { from: 10, to: 12 } });
    const fromNdjson = await pack(NDJSON, 'stock.ndjson', { range: { from: 10, to: 12 } });
    const reordered = ['quantity,product_id,fulfillment_node_id', ...ITEMS.map((i) => `${i.quantity},"${i.product_id.replace(/"/g, '""')}",${i.fulfillment_node_id}`)].join('\n');
    const fromReordered = await pack(reordered, 'reordered.csv', { range: { from: 10, to: 12 } });
    const expected = await availabilitiesOf(fromJson.zipPath);
    expect(expected).toEqual(JSON_DOC);
    for (const pkg of [fromCsv, fromNdjson, fromReordered]) {
      expect(await availabilitiesOf(pkg.zipPath)).toEqual(expected);
      expect(pkg.items).toBe(3);
    }
    expect(fromCsv.format).toBe('csv');
    expect(fromNdjson.format).toBe('ndjson');
    // The zip is a function of the content: same rows, same bytes, same name suffix.
    expect(fromCsv.sha256).toBe(fromNdjson.sha256);
    expect(fromCsv.nodes).toEqual([
      { fulfillment_node_id: 'DC01', items: 2 },
      { fulfillment_node_id: 'STORE-7', items: 1 },
    ]);
  });

  it('reads stdin ("-"), detecting the format from the content, and strips a BOM', async () => {
    const stdin = Readable.from([Buffer.from(`\uFEFF${CSV}\n`)]);
    const pkg = await packageAvailabilities({ input: '-', workDir: await workdir(), stdin, range: { from: 10, to: 12 } });
    expect(pkg.format).toBe('csv');
    expect(await availabilitiesOf(pkg.zipPath)).toEqual(JSON_DOC);
    const ndjsonStdin = Readable.from([Buffer.from(NDJSON)]);
    const fromNdjson = await packageAvailabilities({ input: '-', workDir: await workdir(), stdin: ndjsonStdin });
    expect(fromNdjson.format).toBe('ndjson');
  });

  it('reads rows split at any byte (chunk boundaries inside lines, quotes and UTF-8 characters)', async () => {
    const bytes = Buffer.from(`${CSV}\n`);
    const stdin = Readable.from([...bytes].map((b) => Buffer.from([b])));
    const pkg = await packageAvailabilities({ input: '-', format: 'csv', workDir: await workdir(), stdin, range: { from: 10, to: 12 } });
    expect(await availabilitiesOf(pkg.zipPath)).toEqual(JSON_DOC);
  });

  it('keeps a quoted field that spans lines, and writes a store mapping into the head', async () => {
    const csv = 'product_id,fulfillment_node_id,quantity\n"two\nlines",DC01,3\n\nP2,DC01,4\n';
    const mapping = [{ fulfillment_node_id: 'DC01', store_id: null }];
    const pkg = await pack(csv, 'multiline.csv', { storeMapping: mapping });
    expect(await availabilitiesOf(pkg.zipPath)).toEqual({
      head: { store_mapping: mapping },
      items: [
        { product_id: 'two\nlines', fulfillment_node_id: 'DC01', quantity: 3 },
        { product_id: 'P2', fulfillment_node_id: 'DC01', quantity: 4 },
      ],
    });
  });
});

describe('validation (exit 2, nothing packaged)', () => {
  it('names the CSV line of each bad row', async () => {
    const csv = [
      'product_id,fulfillment_node_id,quantity',
      'P1,DC01,5', // line 2
      ',DC01,5', // 3: empty product
      'P3,DC01,-1', // 4
      'P4,DC01,1.5', // 5
      'P5,DC01', // 6
      'P1,DC01,7', // 7: duplicate of line 2
      'P6, DC01,1', // 8: spaces
      'P7,DC01,', // 9
    ].join('\n');
    const error = await problemsOf(csv, 'bad.csv');
    expect(error.problems).toEqual([
      'line 3: product_id is empty',
      'line 4: quantity must be a non-negative integer, got "-1"',
      'line 5: quantity must be a non-negative integer, got "1.5"',
      'line 6: expected 3 fields, found 2',
      'line 7: product "P1" at node "DC01" is listed twice (first at line 2)',
      'line 8: fulfillment_node_id has leading or trailing spaces: " DC01"',
      'line 9: quantity is missing',
    ]);
    expect(error.message).toContain('7 problems in');
    expect(error.message).toContain('nothing was sent');
  });

  it('names the JSON path (items[3].quantity) and refuses full', async () => {
    const doc = {
      full: true,
      head: { logical_timestamp_range: { from: 12, to: 10 } },
      items: [
        { product_id: 'P1', fulfillment_node_id: 'DC01', quantity: 1 },
        { product_id: 'P2', fulfillment_node_id: 'DC01', quantity: '2' },
        { fulfillment_node_id: 'DC01', quantity: 3 },
        { product_id: 'P4', fulfillment_node_id: 'DC01', quantity: -4 },
        { product_id: 'P1', fulfillment_node_id: 'DC01', quantity: 5, qty: 5 },
      ],
    };
    const error = await problemsOf(JSON.stringify(doc), 'bad.json');
    expect(error.problems).toEqual([
      'full: full imports are not supported for availabilities (NewStore fails such jobs); remove it',
      'head.logical_timestamp_range: from (12) must not be greater than to (10)',
      'items[1].quantity must be a non-negative integer, got "2" (a string)',
      'items[2].product_id is missing',
      'items[3].quantity must be a non-negative integer, got -4',
      'items[4]: unknown field "qty" (expected product_id, fulfillment_node_id, quantity)',
      'items[4]: product "P1" at node "DC01" is listed twice (first at items[0])',
    ]);
  });

  it('names the NDJSON line of bad JSON and of wrong types', async () => {
    const ndjson = ['{"product_id":"P1","fulfillment_node_id":"DC01","quantity":1}', '', '{"product_id":"P2",', '{"product_id":2,"fulfillment_node_id":"DC01","quantity":1}'].join('\n');
    const error = await problemsOf(ndjson, 'bad.ndjson');
    expect(error.problems[0]).toMatch(/^line 3: not valid JSON/);
    expect(error.problems[1]).toBe('line 4: product_id must be a string, got 2');
  });

  it('refuses nodes outside the store mapping when one is given', async () => {
    const csv = 'product_id,fulfillment_node_id,quantity\nP1,DC01,1\nP2,DC99,1\nP3,DC99,1\n';
    const error = await problemsOf(csv, 'nodes.csv', { storeMapping: [{ fulfillment_node_id: 'DC01', store_id: null }] });
    expect(error.problems).toEqual(['line 3: fulfillment_node_id "DC99" is not in the store mapping', 'line 4: fulfillment_node_id "DC99" is not in the store mapping']);
  });

  it('refuses a CSV without its header, a --range that contradicts the file, and an empty input', async () => {
    expect((await problemsOf('P1,DC01,1\n', 'noheader.csv')).problems[0]).toBe(
      'line 1: the header must name the columns product_id,fulfillment_node_id,quantity (missing product_id, fulfillment_node_id, quantity; unknown "p1", "dc01", "1")',
    );
    const conflict = await problemsOf(JSON.stringify(JSON_DOC), 'conflict.json', { range: { from: 1, to: 2 } });
    expect(conflict.problems).toEqual(['head.logical_timestamp_range is 10-12 but --range says 1-2; state it once']);
    expect((await problemsOf('product_id,fulfillment_node_id,quantity\n', 'empty.csv')).problems).toEqual(['no items: an import needs at least one row']);
  });

  it('lists the first 20 problems and the total', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `P${i},DC01,-${i + 1}`);
    const error = await problemsOf(['product_id,fulfillment_node_id,quantity', ...rows].join('\n'), 'many.csv');
    expect(error.problems).toHaveLength(20);
    expect(error.total).toBe(25);
    expect(error.message).toContain('25 problems in');
    expect(error.message).toContain('... and 5 more');
    expect(error.problems[19]).toBe('line 21: quantity must be a non-negative integer, got "-20"');
  });

  it('refuses a zip above the size limit', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `P-${i}-${Math.random().toString(36).slice(2)},DC01,${i}`);
    const error = await pack(['product_id,fulfillment_node_id,quantity', ...rows].join('\n'), 'big.csv', { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/is .* \(\d+ bytes\), above NewStore's limit of 9\.8 KB a job; nothing was sent/);
    expect((error as { exitCode: number }).exitCode).toBe(ExitCode.usage);
  });
});
