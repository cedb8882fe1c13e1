// Why an integration stopped, from its status and newest log entries (the sandbox's wording and others').
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src/api/schemas.js';
import { LOG_MESSAGES } from '../../../src/sandbox/messages.js';
import { classifyStop, logSignal } from '../../../src/workflows/recover/stop-reason.js';

let n = 0;
function log(message: string, level = 'error', createdAt = '2026-11-20T08:00:00Z'): LogEntry {
  return { id: `log-${++n}`, created_at: createdAt, level, message };
}
const stopped = { id: 'erp-orders', status: 'stopped', integration_type: 'permanent', ends_at: null };

describe('classifyStop', () => {
  it('a running integration: nothing to recover, or how many events wait', () => {
    expect(classifyStop({ ...stopped, status: 'running' }, [], 0)).toMatchObject({ kind: 'running', summary: 'erp-orders is running and holds no rejected events: nothing to recover.' });
    expect(classifyStop({ ...stopped, status: 'running' }, [], 3).summary).toBe('erp-orders is running; 3 rejected events are waiting.');
  });

  it('the rejected-events limit (both of the sandbox messages)', () => {
    const a = classifyStop(stopped, [log(LOG_MESSAGES.limitReached(100, 100)), log(LOG_MESSAGES.rejected('order.created', 'e1', {}), 'warning')], 100);
    expect(a.kind).toBe('rejected_limit');
    expect(a.summary).toBe('erp-orders stopped at the rejected-events limit; 100 rejected events are waiting.');
    expect(a.entry?.message).toContain('the limit of 100');
    expect(classifyStop(stopped, [log(LOG_MESSAGES.limitAlreadyReached('order.created', 'e1', 100, 100))], 100).kind).toBe('rejected_limit');
  });

  it('delivery failures (webhook and S3), a finished replay, a user stop', () => {
    expect(classifyStop(stopped, [log(LOG_MESSAGES.deliveryFailuresStop(10, 'order.created', 'e1', 'HTTP 503'))], 0).kind).toBe('delivery_failures');
    expect(classifyStop(stopped, [log(LOG_MESSAGES.s3WriteFailed('bucket', 'EACCES'))], 0).kind).toBe('delivery_failures');
    expect(classifyStop({ ...stopped, integration_type: 'temporary' }, [log(LOG_MESSAGES.windowFinished('a', 'b'), 'info')], 0).kind).toBe('replay_finished');
    expect(classifyStop(stopped, [log(LOG_MESSAGES.stoppedByUser(), 'info')], 1)).toMatchObject({ kind: 'stopped_by_user', summary: 'erp-orders was stopped by a user or an API call; 1 rejected event is waiting.' });
  });

  it('the newest telling entry wins: a start after an automatic stop means a later manual stop', () => {
    const entries = [log(LOG_MESSAGES.startedByUser(null), 'info'), log(LOG_MESSAGES.limitReached(100, 100))];
    expect(classifyStop(stopped, entries, 0).kind).toBe('stopped_by_user');
  });

  it('a temporary integration past its window, with no log, is a finished replay; otherwise it says it does not know', () => {
    expect(classifyStop({ ...stopped, integration_type: 'temporary', ends_at: '2026-11-21T00:00:00Z' }, [], 0, new Date('2026-11-22T00:00:00Z')).kind).toBe('replay_finished');
    expect(classifyStop(stopped, [log('something unrelated', 'info')], 0)).toMatchObject({ kind: 'unknown', summary: expect.stringContaining('does not say why') });
  });

  it('a status nsx does not know is named as it came, never "stopped by a user"', () => {
    for (const status of ['failed', 'paused', null, 7]) {
      const d = classifyStop({ ...stopped, status }, [log(LOG_MESSAGES.startedByUser(null), 'info')], 2);
      expect(d.kind).toBe('unknown');
      expect(d.summary).toBe(`erp-orders has status ${JSON.stringify(status)}, which nsx does not know (it knows running and stopped); its recent log does not say why; 2 rejected events are waiting.`);
      expect(d.summary).not.toMatch(/by a user/);
    }
    // An automatic stop in the log is still the cause; the status is named as well.
    const limit = classifyStop({ ...stopped, status: 'failed' }, [log(LOG_MESSAGES.limitReached(100, 100))], 100);
    expect(limit).toMatchObject({ kind: 'rejected_limit', summary: expect.stringMatching(/^erp-orders has status "failed", .*its log says it stopped at the rejected-events limit/) });
    // Upper case is the status it names.
    expect(classifyStop({ ...stopped, status: 'RUNNING' }, [], 0).kind).toBe('running');
    expect(classifyStop({ ...stopped, status: 'STOPPED' }, [log(LOG_MESSAGES.stoppedByUser(), 'info')], 0).kind).toBe('stopped_by_user');
  });

  it('reads wording other than the sandbox\'s', () => {
    expect(logSignal(log('Integration stopped: rejected events limit exceeded'))).toBe('rejected_limit');
    expect(logSignal(log('Integration was stopped via API request'))).toBe('stopped_by_user');
    expect(logSignal(log('Delivery failed 10 times, integration stopped'))).toBe('delivery_failures');
    expect(logSignal(log('event order.created rejected by the receiver (HTTP 400)', 'warning'))).toBeUndefined();
  });
});
