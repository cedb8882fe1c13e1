// Helpers for the stock tests: temp dirs, reading back the zip nsx built, the stock-job tests' sandbox.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type { RunningSandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { getToken } from './sandbox.js';
import yauzl from 'yauzl';

export interface TempDir {
  dir: string;
  file(name: string, content: string | Buffer): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'nsx-stock-test-'));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every entry of a zip (file or buffer) as text, by name. */
export async function unzip(source: string | Buffer): Promise<Map<string, string>> {
  const zip = typeof source === 'string' ? await yauzl.openPromise(source) : await yauzl.fromBufferPromise(source);
  const files = new Map<string, string>();
  try {
    // eachEntry() is yauzl 3's async iterator (not in its typings yet).
    const entries = (zip as unknown as { eachEntry(): AsyncIterable<yauzl.Entry> }).eachEntry();
    for await (const entry of entries) {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
    }
  } finally {
    if (zip.isOpen) zip.close();
  }
  return files;
}

/** availabilities.json of a zip, parsed. */
export async function availabilitiesOf(source: string | Buffer): Promise<unknown> {
  const files = await unzip(source);
  expect([...files.keys()]).toEqual(['availabilities.json']);
  return JSON.parse(files.get('availabilities.json')!);
}

/**
 * The contract's worked example before the import: 10 on hand, allocations at logical timestamps 10-12
 * completed and 13 open (ATP 6). Importing 17 with range 10-12 leaves the allocation of 13: ATP 16.
 */
export const WORKED_EXAMPLE_STOCK = {
  product_id: '10000102',
  fulfillment_node_id: 'DC01',
  on_hand: 10,
  allocations: [
    { logical_timestamp: 10, state: 'completed' },
    { logical_timestamp: 11, state: 'completed' },
    { logical_timestamp: 12, state: 'completed' },
    { logical_timestamp: 13, state: 'open' },
  ],
};

/** The one stock file the stock-job tests import. */
export const STOCK_CSV = 'product_id,fulfillment_node_id,quantity\n10000102,DC01,17\n';
/** tsv output as rows of cells. */
export const tsvRows = (stdout: string): string[][] => stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));

interface StockJobsHarness {
  sandbox: RunningSandbox;
  close(): Promise<void>;
}

/**
 * What the stock-job tests share, whatever runs nsx (in-process or spawned): a fresh empty sandbox per test
 * (`harness()`, closed after the test), every API request it received (`received`: method and path with
 * query, the token call included, admin calls left out; cleared by `received.length = 0`), a temp folder,
 * and import jobs made through the import API directly (not by nsx).
 */
export function useStockJobsSandbox<H extends StockJobsHarness>(start: (options: SandboxOptions) => Promise<H>) {
  const tmp = tempDir();
  const received: string[] = [];
  let current: H | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(() => tmp.cleanup());
  const fixture = {
    tmp,
    received,
    /** The running test's harness. */
    get h(): H {
      if (!current) throw new Error('no sandbox: call harness() first');
      return current;
    },
    async harness(options: SandboxOptions = {}): Promise<H> {
      current = await start({ scenario: 'empty', ...options });
      received.length = 0;
      current.sandbox.server.on('request', (req: IncomingMessage) => {
        if (!req.url?.startsWith('/_sandbox')) received.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
      });
      return current;
    },
    /** A job made through the import API directly: state received until started. */
    async createJob(name: string): Promise<string> {
      const sandbox = fixture.h.sandbox;
      const res = await fetch(`${sandbox.baseUrl}/v0/d/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await getToken(sandbox)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'test', name, source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    },
    job: (id: string) => fixture.h.sandbox.state.imports.get(id)!,
    failCalls: () => received.filter((r) => r.includes('/set_fail')),
  };
  return fixture;
}
