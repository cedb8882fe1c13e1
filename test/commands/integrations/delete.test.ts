// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { h, scratch, state, lines, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations delete', () => {
  it('without a terminal needs --yes (exit 3) and warns that logs and rejected events go with it', async () => {
    const refused = await h.nsx(['integrations', 'delete', 'erp-orders']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/also deletes its log entries and rejected events/);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(state().integrations.has('erp-orders')).toBe(true);

    const done = await h.nsx(['integrations', 'delete', 'wms-fulfillment', '--yes', '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ id: 'wms-fulfillment', deleted: true, export: null });
    expect(state().integrations.has('wms-fulfillment')).toBe(false);
  });

  it('--export writes the integration, every log entry and every rejected event first (owner-only)', async () => {
    await h.admin('POST', '/_sandbox/seed', { integration_id: 'erp-orders', logs: 450 }); // several pages
    const logCount = state().logs.get('erp-orders')!.length;
    const rejectedIds = state().rejected.get('erp-orders')!.map((e) => e.id);
    expect(rejectedIds).toHaveLength(100);
    const dir = join(scratch, 'export-erp');
    const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`exported ${logCount} log entries and 100 rejected events to ${dir}`));
    expect(state().integrations.has('erp-orders')).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['integration.json', 'logs.ndjson', 'rejected-events.ndjson']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const integration = JSON.parse(readFileSync(join(dir, 'integration.json'), 'utf8'));
    expect(integration).toMatchObject({ id: 'erp-orders', callback_parameters: { api_key: '********' } });
    const logs = lines(readFileSync(join(dir, 'logs.ndjson'), 'utf8')).map((l) => JSON.parse(l));
    expect(logs).toHaveLength(logCount);
    expect(new Set(logs.map((l) => l.id)).size).toBe(logCount);
    const rejected = lines(readFileSync(join(dir, 'rejected-events.ndjson'), 'utf8')).map((l) => JSON.parse(l));
    expect(rejected.map((e) => e.id)).toEqual(rejectedIds);
  });

  it('does not delete when the export fails, and leaves no half export behind', async () => {
    await h.admin('PUT', '/_sandbox/faults', { routes: { listRejectedEvents: { errorRate: 1 } } });
    try {
      const dir = join(scratch, 'export-fails');
      const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/export to .*export-fails failed, so erp-orders was NOT deleted/);
      expect(state().integrations.has('erp-orders')).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await h.admin('DELETE', '/_sandbox/faults');
    }
  });

  it('refuses an export folder that already holds an export, before anything is sent', async () => {
    const dir = join(scratch, 'export-taken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'logs.ndjson'), 'old\n');
    const r = await h.nsx(['integrations', 'delete', 'erp-orders', '--export', dir, '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/already holds logs\.ndjson/);
    expect(state().integrations.has('erp-orders')).toBe(true);
  });
});
