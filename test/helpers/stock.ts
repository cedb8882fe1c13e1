// Helpers for the stock tests: temp dirs and reading back the zip nsx built.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
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
