// The duplicate finder: exact (no false duplicates from hash collisions), the same pair found whether it
// came as bytes (CSV fast path) or as strings, and correct across growth of its tables.
import { describe, expect, it } from 'vitest';
import { PairSet } from '../../src/workflows/stock/pair-set.js';

describe('PairSet', () => {
  it('answers the first reference of a repeated pair and -1 for a new one, across table growth', () => {
    const set = new PairSet(16);
    let reported = 0;
    for (let i = 0; i < 50_000; i++) if (set.add(`P${i}`, `N${i % 7}`, i) !== -1) reported++;
    expect(reported).toBe(0);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(set.add(`P${i}`, `N${i % 7}`, 99)).toBe(i);
    expect(set.add('P1', 'N2', 5)).toBe(-1); // same product at another node is another pair
  });

  it('does not confuse pairs whose concatenations are equal', () => {
    const set = new PairSet();
    expect(set.add('a,b', 'c', 1)).toBe(-1);
    expect(set.add('a', 'b,c', 2)).toBe(-1);
    expect(set.add('ab', 'c', 3)).toBe(-1);
    expect(set.add('a', 'bc', 4)).toBe(-1);
  });

  it('finds a pair given as UTF-8 bytes that was added as strings, and the other way round', () => {
    const set = new PairSet();
    expect(set.add('Ünïcödé-😀', 'DC01', 7)).toBe(-1);
    const line = Buffer.from('x,Ünïcödé-😀,DC01,y');
    const p = line.indexOf(',') + 1;
    const n = line.indexOf(',', p) + 1;
    expect(set.addBytes(line, p, n - 1, n, line.indexOf(',', n), 8)).toBe(7);
    const ascii = Buffer.from('SKU-1,DC02');
    expect(set.addBytes(ascii, 0, 5, 6, 10, 9)).toBe(-1);
    expect(set.add('SKU-1', 'DC02', 10)).toBe(9);
  });
});
