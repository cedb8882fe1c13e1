// start: the integration is started on the server unless --no-start (or a finished replay) says not to.
import { describe, expect, it } from 'vitest';
import { PartialFailureError } from '../../../../src/errors.js';
import { startStep, statusReadDuringGate } from '../../../../src/workflows/recover/steps/start.js';
import { journalPhases, stepSandboxPerTest, type StepSandbox } from './sandbox-client.js';

const freshSandbox = stepSandboxPerTest();
let s: StepSandbox;

describe('start', () => {
  it('is skipped with --no-start: the server still has it stopped, and the ending says how to start it', async () => {
    s = await freshSandbox();
    const journal = journalPhases();
    const r = await startStep(s.client.eventstream, 'erp-orders', { startWanted: false, startFlag: false, partialError: undefined, journal }, s.emit);
    expect(r.kind).toBe('not-started');
    if (r.kind !== 'not-started') return;
    expect(r.end).toMatchObject({ outcome: 'not_started', exitCode: 0 });
    expect(r.end.ending).toMatch(/^Not started \(--no-start\); start it with: nsx integrations start erp-orders$/);
    expect(s.statusOf('erp-orders')).toBe('stopped');
    expect(s.events).toEqual([]);
    expect(journal.lines).toEqual([]);
  });

  it('a finished replay is not started again, and undelivered events keep exit 6', async () => {
    s = await freshSandbox();
    const partial = new PartialFailureError('1 event(s) were not delivered');
    const r = await startStep(s.client.eventstream, 'erp-orders', { startWanted: false, startFlag: true, partialError: partial, journal: journalPhases() }, s.emit);
    expect(r.kind === 'not-started' && r.end).toMatchObject({ ending: 'Not started: a finished replay is not started again.', exitCode: 6, error: partial });
    expect(s.statusOf('erp-orders')).toBe('stopped');
  });

  it('starts a stopped integration on the server and journals it; one already running is not started twice', async () => {
    s = await freshSandbox();
    const journal = journalPhases();
    const r = await startStep(s.client.eventstream, 'erp-orders', { startWanted: true, startFlag: true, partialError: undefined, journal }, s.emit);
    expect(r).toMatchObject({ kind: 'running', started: true });
    expect(s.statusOf('erp-orders')).toBe('running');
    expect(s.events).toEqual([{ type: 'started', started: true }]);
    expect(journal.lines).toMatchObject([{ type: 'phase', phase: 'start', detail: { started: true, was: 'stopped' } }]);

    const again = await startStep(s.client.eventstream, 'erp-orders', { startWanted: true, startFlag: true, partialError: undefined, journal }, s.emit);
    expect(again).toMatchObject({ kind: 'running', started: false });
    expect(s.statusOf('erp-orders')).toBe('running');
  });

  it('decides on the status read during the gate, not on a read of its own after it', async () => {
    s = await freshSandbox();
    let reads = 0;
    const api = {
      getIntegration: (id: string) => (reads++, s.client.eventstream.getIntegration(id)),
      startIntegration: (id: string) => s.client.eventstream.startIntegration(id),
    };
    expect(statusReadDuringGate(api, 'erp-orders', false)).toBeUndefined();
    expect(reads).toBe(0);
    const status = statusReadDuringGate(api, 'erp-orders', true);
    expect(reads).toBe(1);
    const journal = journalPhases();
    const r = await startStep(api, 'erp-orders', { startWanted: true, startFlag: true, partialError: undefined, journal, status }, s.emit);
    expect(r).toMatchObject({ kind: 'running', started: true });
    expect(reads).toBe(1);
    expect(s.statusOf('erp-orders')).toBe('running');
    expect(journal.lines).toMatchObject([{ type: 'phase', phase: 'start', detail: { started: true, was: 'stopped' } }]);
  });

  it('a status read that fails while the gate lists is no unhandled rejection; the start meets its error', async () => {
    s = await freshSandbox();
    const failure = new Error('status read failed');
    const api = { getIntegration: () => Promise.reject(failure), startIntegration: () => Promise.resolve() };
    const status = statusReadDuringGate(api, 'erp-orders', true);
    // A refused gate would drop it here; vitest fails a test on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(startStep(api, 'erp-orders', { startWanted: true, startFlag: true, partialError: undefined, journal: journalPhases(), status }, s.emit)).rejects.toBe(failure);
    expect(s.statusOf('erp-orders')).toBe('stopped');
  });
});
