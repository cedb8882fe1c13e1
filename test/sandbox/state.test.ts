// State: persisted atomically, reloaded on start, reset on demand; a kill in the middle of a write leaves a
// loadable file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { EVENTSTREAM, getToken, startTestSandbox, webhook, call } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nsx-sandbox-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('state', () => {
  it('survives a restart: integrations, logs, rejected events, events, stock, blobs, tokens', async () => {
    const statePath = join(dir, 'sandbox.json');
    const first = await startTestSandbox({ statePath, scenario: 'demo' });
    await first.api('POST', EVENTSTREAM, webhook('persisted', `${first.sb.receiverUrl}/p`));
    await first.api('POST', `${EVENTSTREAM}/wms-fulfillment/_stop`);
    await first.admin('PUT', '/_sandbox/stock', { product_id: 'P1', fulfillment_node_id: 'DC01', on_hand: 3 });
    await fetch(`${first.sb.baseUrl}/_sandbox/files/kept.zip`, { method: 'PUT', body: 'zipdata' });
    const rejectedBefore = (await first.api('GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=200`)).body;
    const nextSeq = first.sb.state.nextSeq;
    const oldToken = first.token;
    await first.close();
    expect(existsSync(statePath)).toBe(true);

    const second = await startSandbox({ port: 0, statePath, scenario: 'empty', timeScale: 100_000 });
    try {
      expect(second.loadedState).toBe(true);
      // A token issued before the restart is still good until it expires.
      const api = (path: string) => call(`${second.baseUrl}${path}`, 'GET', undefined, { authorization: `Bearer ${oldToken}` });
      const ids = ((await api(EVENTSTREAM)).body.integrations as any[]).map((i) => [i.id, i.status]);
      expect(ids).toEqual(expect.arrayContaining([['persisted', 'running'], ['wms-fulfillment', 'stopped'], ['erp-orders', 'stopped']]));
      expect((await api(`${EVENTSTREAM}/erp-orders/rejected_events?count=200`)).body).toEqual(rejectedBefore);
      expect((await api(`${EVENTSTREAM}/wms-fulfillment/logs`)).body.logs[0].message).toMatch(/stopped by the user/);
      expect(second.state.nextSeq).toBe(nextSeq);
      expect((await call(`${second.baseUrl}/_sandbox/stock?product_id=P1`, 'GET')).body.stock[0].on_hand).toBe(3);
      expect((await call(`${second.baseUrl}/_sandbox/files/kept.zip`, 'GET')).text).toBe('zipdata');
      // Callbacks to the built-in receiver follow its new port.
      expect(((await api(`${EVENTSTREAM}/persisted`)).body.callback_parameters.callback_url as string).startsWith(second.receiverUrl!)).toBe(true);
    } finally {
      await second.close();
    }

    const fresh = await startSandbox({ port: 0, statePath, reset: true, scenario: 'empty', receiver: false });
    try {
      expect(fresh.loadedState).toBe(false);
      const token = await getToken(fresh);
      expect((await call(`${fresh.baseUrl}${EVENTSTREAM}`, 'GET', undefined, { authorization: `Bearer ${token}` })).body.integrations).toEqual([]);
      expect((await call(`${fresh.baseUrl}/_sandbox/files/kept.zip`, 'GET')).status).toBe(404);
    } finally {
      await fresh.close();
    }
    const onDisk = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(onDisk.integrations).toEqual([]);
  });

  it('writes changes soon after they happen (debounced), not only at close', async () => {
    const statePath = join(dir, 'live.json');
    const t = await startTestSandbox({ statePath });
    try {
      await t.api('POST', EVENTSTREAM, webhook('soon', 'http://127.0.0.1:1/'));
      await waitFor(() => existsSync(statePath) && JSON.parse(readFileSync(statePath, 'utf8')).integrations.some((i: any) => i.id === 'soon'), 3000, 'the write');
    } finally {
      await t.close();
    }
  });

  it('refuses to start over a state file that is not JSON instead of wiping it', async () => {
    const statePath = join(dir, 'broken.json');
    writeFileSync(statePath, '{"version":1, "integrations": [');
    await expect(startSandbox({ port: 0, statePath, receiver: false })).rejects.toThrow(/JSON/);
    expect(readFileSync(statePath, 'utf8')).toBe('{"version":1, "integrations": [');
  });

  it('a kill during a write leaves a loadable state file', async () => {
    const statePath = join(dir, 'killed.json');
    const seeded = await startTestSandbox({ statePath: join(dir, 'base.json'), scenario: 'demo' });
    await seeded.admin('POST', '/_sandbox/seed', { integration_id: 'kill-test', logs: 20_000, rejected: 50 });
    await seeded.close();
    const basePath = join(dir, 'base.json');
    const writer = join(import.meta.dirname, 'fixtures', 'state-writer.mjs');
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [writer, statePath, basePath], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Kill as soon as a write has begun (after at least one complete write), so the kill lands mid-write.
      await waitFor(() => out.includes(`start ${1 + round}\n`) || child.exitCode !== null, 10_000, `writes (stderr: ${err})`);
      expect(child.exitCode, err).toBeNull();
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const sb = await startSandbox({ port: 0, statePath, receiver: false, scenario: 'empty' });
      try {
        expect(sb.loadedState).toBe(true);
        expect(sb.state.integrations.has('erp-orders')).toBe(true);
        expect(sb.state.logs.get('kill-test')!.length).toBeGreaterThanOrEqual(20_000);
      } finally {
        await sb.close();
      }
    }
    // The interrupted writes leave only hidden temp files beside it, which loading ignores.
    expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(expect.arrayContaining(['base.json', 'killed.json']));
  });
});
