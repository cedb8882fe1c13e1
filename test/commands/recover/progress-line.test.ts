// The live progress line of recover: the level under --concurrency auto.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../src/commands/recover/progress.js';

describe('progressLine', () => {
  it('shows the level of --concurrency auto, and nothing of it for a fixed level', () => {
    const base = { done: 50, total: 100, startedAt: 0, ratePerSecond: undefined };
    expect(progressLine({ ...base, level: 12 }, 5000)).toBe('50/100 (50%) · 10/s · ETA 5.0s · concurrency 12');
    expect(progressLine(base, 5000)).toBe('50/100 (50%) · 10/s · ETA 5.0s');
  });
});
