// gate: the server's rejected events, listed until two listings agree, held against --allow-remaining.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../src/workflows/recover/journal.js';
import { gateStep } from '../../../../src/workflows/recover/steps/gate.js';
import { journalPhases, stepSandboxPerTest, type StepSandbox } from './sandbox-client.js';

const freshSandbox = stepSandboxPerTest();
let s: StepSandbox;

const undelivered = { event_id: 'x', outcome: 'rejected' } as EventRecord;

describe('gate', () => {
  it('refuses a start (exit 7) while more events remain than --allow-remaining, naming them and the way on', async () => {
    s = await freshSandbox();
    const journal = journalPhases();
    const g = await gateStep(s.client.eventstream, 'erp-orders', { failures: [], allowRemaining: 0, parallel: 2, signal: new AbortController().signal, journal, intervalMs: 0 }, s.emit);
    expect(g.kind).toBe('refused');
    if (g.kind !== 'refused') return;
    expect(g.remaining).toBe(100);
    expect(g.end).toMatchObject({ outcome: 'gate_refused', resumable: false, exitCode: 7, ending: 'Not started: 100 rejected event(s) remain.' });
    expect(g.end.error?.message).toBe('100 rejected event(s) remain; erp-orders was not started');
    expect(g.end.error?.hint).toContain('start anyway with --allow-remaining 100');
    const remaining = s.events.find((e) => e.type === 'remaining');
    expect(remaining?.type === 'remaining' && remaining.events.length).toBe(100);
    expect(journal.lines).toMatchObject([{ type: 'phase', phase: 'gate', detail: { remaining: 100, stable: true } }]);
    expect(s.statusOf('erp-orders')).toBe('stopped');
  });

  it('lets the start go ahead when what remains is within --allow-remaining', async () => {
    s = await freshSandbox();
    const g = await gateStep(s.client.eventstream, 'erp-orders', { failures: [], allowRemaining: 100, parallel: 1, signal: new AbortController().signal, journal: journalPhases(), intervalMs: 0 }, s.emit);
    expect(g.kind).toBe('passed');
    if (g.kind !== 'passed') return;
    expect(g.remaining).toHaveLength(100);
    expect(g.partialError).toBeUndefined();
    expect(s.events.map((e) => e.type)).toEqual(['gate-checking', 'gate']);
  });

  it('events this run did not deliver make a refusal exit 6 (partial) and a pass carry exit 6 on', async () => {
    s = await freshSandbox();
    const refused = await gateStep(s.client.eventstream, 'erp-orders', { failures: [undelivered], allowRemaining: 0, parallel: 1, signal: new AbortController().signal, journal: journalPhases(), intervalMs: 0 }, s.emit);
    expect(refused.kind === 'refused' && refused.end).toMatchObject({ outcome: 'failed', exitCode: 6 });
    const passed = await gateStep(s.client.eventstream, 'erp-orders', { failures: [undelivered], allowRemaining: 100, parallel: 1, signal: new AbortController().signal, journal: journalPhases(), intervalMs: 0 }, s.emit);
    expect(passed.kind === 'passed' && passed.partialError?.exitCode).toBe(6);
  });
});
