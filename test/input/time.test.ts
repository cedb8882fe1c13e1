// How nsx words a duration for people (doctor's clock skew, waits, back-off): a value just under a unit
// boundary is worded in the next unit, never as "60.0s" or "1000ms".
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/input/time.js';

describe('formatDuration', () => {
  it('words milliseconds, seconds with a tenth, and minutes with seconds', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(59_900)).toBe('59.9s');
    expect(formatDuration(61_000)).toBe('1m01s');
  });

  it('rounds into the next unit at a boundary (doctor once said "60.0s behind")', () => {
    expect(formatDuration(999.6)).toBe('1.0s');
    expect(formatDuration(59_960)).toBe('1m00s');
  });
});
