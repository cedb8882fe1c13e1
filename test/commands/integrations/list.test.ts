// nsx integrations <verb> against the sandbox (demo-sandbox.ts), nsx run in-process: every output mode, the
// server's state afterwards, confirmations without a terminal, and the delete export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { h, DEMO_IDS, lines, useDemoSandbox } from './demo-sandbox.js';

useDemoSandbox();

describe('integrations list', () => {
  it('prints id, status, type, destination, starts_at, ends_at as tsv when piped, and remembers the ids for completion', async () => {
    const r = await h.nsx(['integrations', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => l.split('\t'));
    expect(rows.map((c) => c[0])).toEqual(DEMO_IDS);
    const erp = rows.find((c) => c[0] === 'erp-orders')!;
    expect(erp.slice(1, 3)).toEqual(['stopped', 'permanent']);
    // NewStore's documented list shows a webhook with only its api_key (the sandbox answers so): no
    // destination to show, said as "-"; `integrations get` shows the host.
    expect(erp[3]).toBe('-');
    expect(erp[5]).toBe('-'); // no ends_at
    expect(rows.find((c) => c[0] === 's3-archive')![3]).toBe('s3://acme-event-archive/newstore/events/');
    expect(rows.find((c) => c[0] === 'replay-2026-11-20')!.slice(2)).toEqual([
      'temporary', expect.any(String), '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z',
    ]);
    expect(r.stdout).not.toMatch(/demo-erp-key|sandbox-demo-secret-access-key/);
    const cached = readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids.d', 'default'), 'utf8');
    expect(lines(cached)).toEqual(DEMO_IDS);
  });

  it('filters by --status and prints whole integrations in json and ndjson with secrets masked', async () => {
    const stopped = await h.nsx(['integrations', 'list', '--status', 'stopped', '--json']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const list = JSON.parse(stopped.stdout) as Array<Record<string, any>>;
    expect(list.map((i) => i.id)).toEqual(['erp-orders', 'replay-2026-11-20']);
    expect(list[0]!.callback_parameters).toEqual({ api_key: '********' });

    const nd = await h.nsx(['integrations', 'list', '--output', 'ndjson']);
    const objects = lines(nd.stdout).map((l) => JSON.parse(l));
    expect(objects).toHaveLength(4);
    expect(objects.find((i) => i.id === 's3-archive').s3_parameters.aws_secret_access_key).toBe('********');
    expect(nd.stdout).not.toMatch(/demo-.*-key|sandbox-demo-secret/);
  });
});
