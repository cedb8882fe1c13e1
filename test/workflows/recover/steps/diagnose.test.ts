// diagnose: the integration, every rejected event and why it stopped, read over loopback from the sandbox.
import { describe, expect, it } from 'vitest';
import { diagnose, nothingToDo, startWanted } from '../../../../src/workflows/recover/steps/diagnose.js';
import { stepSandboxPerTest, type StepSandbox } from './sandbox-client.js';

const freshSandbox = stepSandboxPerTest();
let s: StepSandbox;

describe('diagnose', () => {
  it('names the stop reason of an integration stopped at the limit, with every rejected event, and says so in order', async () => {
    s = await freshSandbox();
    const order: string[] = [];
    const d = await diagnose(s.client.eventstream, 'erp-orders', { signal: new AbortController().signal, parallel: 4, afterContext: () => void order.push('context read') }, (e) => {
      order.push(e.type);
      s.emit(e);
    });
    expect(d.diagnosis.kind).toBe('rejected_limit');
    expect(d.diagnosis.summary).toContain('erp-orders stopped at the rejected-events limit; 100 rejected events are waiting.');
    expect(d.rejected).toHaveLength(100);
    expect(new Set(d.rejected.map((e) => e.id))).toEqual(new Set(s.sandbox.state.rejectedOf('erp-orders').map((r) => r.id)));
    expect(order).toEqual(['context read', 'reading', 'read', 'diagnosis']);
    expect(nothingToDo(d, false)).toBeUndefined();
    expect(startWanted(d.diagnosis, true)).toBe(true);
    expect(startWanted(d.diagnosis, false)).toBe(false);
  });

  it('finds nothing to do for a running integration with no rejected events (unless a saved plan is given)', async () => {
    s = await freshSandbox();
    const running = [...s.sandbox.state.integrations.values()].find((i) => i.status === 'running' && s.sandbox.state.rejectedOf(i.id).length === 0);
    expect(running, 'the demo scenario has a calm running integration').toBeDefined();
    const d = await diagnose(s.client.eventstream, running!.id, { signal: new AbortController().signal, parallel: 1 }, s.emit);
    expect(d.diagnosis.kind).toBe('running');
    expect(nothingToDo(d, false)).toBe('is running with no rejected events');
    expect(nothingToDo(d, true)).toBeUndefined();
  });

  it('an unknown integration ends the step with exit 5 before anything is listed', async () => {
    s = await freshSandbox();
    await expect(diagnose(s.client.eventstream, 'no-such-integration', { signal: new AbortController().signal, parallel: 1 }, s.emit)).rejects.toMatchObject({ exitCode: 5 });
    expect(s.events.map((e) => e.type)).toEqual([]);
  });
});
