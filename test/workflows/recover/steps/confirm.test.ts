// confirm: a person is asked only when the run changes something, is told what, and a refusal stops the run.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import type { ConfirmRequest } from '../../../../src/workflows/recover/run-recover.js';
import { confirmPlan, consentNeeded } from '../../../../src/workflows/recover/steps/confirm.js';

describe('confirm', () => {
  it('asks nothing when there is no call to make and no start', async () => {
    expect(consentNeeded({ retry: 0, drop: 0 }, false)).toBeUndefined();
    const asked: ConfirmRequest[] = [];
    const r = await confirmPlan(consentNeeded({ retry: 0, drop: 0 }, false), async (q) => void asked.push(q));
    expect(r).toEqual({ asked: false, promptMs: 0 });
    expect(asked).toEqual([]);
  });

  it('asks about the retries, the deletions and the start it would make', async () => {
    expect(consentNeeded({ retry: 3, drop: 1 }, false)).toEqual({ retry: 3, drop: 1, willStart: false });
    expect(consentNeeded({ retry: 0, drop: 0 }, true)).toEqual({ retry: 0, drop: 0, willStart: true });
    const asked: ConfirmRequest[] = [];
    const r = await confirmPlan(consentNeeded({ retry: 3, drop: 1 }, true), async (q) => {
      asked.push(q);
      await new Promise((done) => setTimeout(done, 30));
    });
    expect(asked).toEqual([{ retry: 3, drop: 1, willStart: true }]);
    expect(r.asked).toBe(true);
    // The time the question was open is measured, so that the report's duration can leave it out.
    expect(r.promptMs).toBeGreaterThanOrEqual(25);
  });

  it('a refusal ends the step with the refusal', async () => {
    const no = new UsageError('not confirmed');
    await expect(confirmPlan({ retry: 1, drop: 0, willStart: false }, async () => Promise.reject(no))).rejects.toBe(no);
  });
});
