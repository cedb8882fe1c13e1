// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { describe, expect, it } from 'vitest';
import { h, state, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations replay', () => {
  it('registers a temporary integration over the window and --wait returns when it has stopped', async () => {
    await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'accept-all' }); // every replayed event is accepted
    try {
      const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const r = await h.nsx([
        'integrations', 'replay', '--since', since, '--until', 'now', '--callback-url', `${h.sandbox.receiverUrl}/replay`,
        '--entities', 'order', '--wait', '--interval', '200ms', '--wait-timeout', '60s', '--json',
      ]);
      expect(r.stderr).toMatch(/registered temporary integration replay-\d{4}-\d\d-\d\d: replaying events of /);
      expect(r.code, r.stderr).toBe(0);
      const finished = JSON.parse(r.stdout);
      expect(finished).toMatchObject({ status: 'stopped', integration_type: 'temporary', starts_at: since });
      const rec = state().integrations.get(finished.id)!;
      expect(rec.status).toBe('stopped');
      expect(rec.filter_conditions).toEqual({ entities: ['order'] });
      expect(r.stderr).toMatch(new RegExp(`replay ${finished.id} finished`));
    } finally {
      await h.admin('PUT', '/_sandbox/receiver/rule', { rule: 'reject-unknown-products' });
    }
  });

  it('picks a free default id and, without --wait, returns at once', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '2026-11-20', '--until', '2026-11-20T12:00:00Z', '--callback-url', 'https://erp.example.com/h', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // replay-2026-11-20 exists in the demo scenario.
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'replay-2026-11-20-2', integration_type: 'temporary', ends_at: '2026-11-20T12:00:00.000Z' });
  });

  it('--wait gives up after --wait-timeout with exit 7; the replay goes on', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '3d', '--callback-url', 'https://erp.example.com/h', '--id', 'slow-replay', '--wait', '--wait-timeout', '1ms']);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/replay slow-replay is still running after .* \(--wait-timeout\)/);
    expect(state().integrations.has('slow-replay')).toBe(true);
  });

  it('--wait exits 6 when the replay stops because delivery fails', async () => {
    const r = await h.nsx(['integrations', 'replay', '--since', '3d', '--callback-url', 'http://127.0.0.1:9/refused', '--id', 'broken-replay', '--wait', '--interval', '200ms']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/replay broken-replay stopped before the end of its window: stopped after 10 delivery failures/);
  });
});
