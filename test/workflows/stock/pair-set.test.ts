// The duplicate finder: exact (no false duplicates from hash collisions), the same pair found whether the
// product came as bytes (CSV fast path) or as a string, and correct across growth of its tables.
import { describe, expect, it } from 'vitest';
import { PairSet } from '../../../src/workflows/stock/pair-set.js';

describe('PairSet', () => {
  it('answers the first reference of a repeated pair and -1 for a new one, across table and arena growth', () => {
    const set = new PairSet(16);
    let reported = 0;
    for (let i = 0; i < 50_000; i++) if (set.add(`P${i}-${'x'.repeat(i % 50)}`, i % 7, i) !== -1) reported++;
    expect(reported).toBe(0);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(set.add(`P${i}-${'x'.repeat(i % 50)}`, i % 7, 99)).toBe(i);
    expect(set.add('P1-x', 2, 5)).toBe(-1); // the same product at another node is another pair
  });

  it('keeps products apart that differ only where a separator could hide them', () => {
    const set = new PairSet();
    expect(set.add('a', 1, 1)).toBe(-1);
    expect(set.add('a\u00ff', 1, 2)).toBe(-1);
    expect(set.add('a', 256, 3)).toBe(-1);
    expect(set.add('a', 65536 + 1, 4)).toBe(-1);
    expect(set.add('a', 1, 5)).toBe(1);
  });

  it('finds a product given as UTF-8 bytes that was added as a string, and the other way round', () => {
    const set = new PairSet();
    expect(set.add('Ünïcödé-😀', 3, 7)).toBe(-1);
    const line = Buffer.from('x,Ünïcödé-😀,DC01');
    const start = line.indexOf(',') + 1;
    expect(set.addBytes(line, start, line.indexOf(',', start), 3, 8)).toBe(7);
    const ascii = Buffer.from('SKU-1,DC02');
    expect(set.addBytes(ascii, 0, 5, 4, 9)).toBe(-1);
    expect(set.add('SKU-1', 4, 10)).toBe(9);
  });
});
