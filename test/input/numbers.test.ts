// The number flags: --max-failure-rate as nsx status and nsx recover read it.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseFailureRate, parseMaxFailureRate } from '../../src/input/numbers.js';

describe('parseMaxFailureRate', () => {
  it('takes a fraction or a percentage from 0 to 1', () => {
    expect(parseMaxFailureRate('0.05')).toBe(0.05);
    expect(parseMaxFailureRate('5%')).toBe(0.05);
    expect(parseMaxFailureRate(' 0 ')).toBe(0);
    expect(parseMaxFailureRate('100%')).toBe(1);
    expect(parseMaxFailureRate('1')).toBe(1);
  });

  it('refuses anything else with a usage error naming the flag', () => {
    for (const bad of ['', 'lots', '-1', '1.5', '150%', '5 %', '0.05%%']) {
      expect(parseFailureRate(bad), bad).toBeUndefined();
      expect(() => parseMaxFailureRate(bad), bad).toThrow(UsageError);
    }
    expect(() => parseMaxFailureRate('lots')).toThrow('--max-failure-rate: "lots" is not a rate from 0 to 1 (examples: 0.05, 5%)');
  });
});
