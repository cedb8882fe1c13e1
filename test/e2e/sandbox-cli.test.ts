// The sandbox verbs of the built CLI (npm test builds dist/ first): start in the foreground, the profile it
// writes, emit, receiver-rule, and a clean stop on Ctrl-C with the state saved.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NSX_BIN, ROOT, childEnv, isolatedHome, runNsx, type IsolatedHome } from '../helpers/cli.js';
import {  } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/poll.js';

let home: IsolatedHome | null = null;
afterEach(() => {
  home?.cleanup();
  home = null;
});

describe('nsx sandbox (built CLI)', () => {
  it('start prints the settings and writes the profile; emit and receiver-rule reach it; Ctrl-C saves the state', async () => {
    home = isolatedHome();
    const env = home.env as Record<string, string> & { NSX_CONFIG_DIR: string; NSX_STATE_DIR: string };
    const child = spawn(process.execPath, [NSX_BIN, 'sandbox', 'start', '--port', '0', '--time-scale', '1000'], { env: childEnv(env), cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.includes('export NSX_PROFILE=sandbox'), 20_000, `the settings (stderr: ${stderr})`);
      const baseUrl = /base URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
      expect(stderr).toMatch(/token URL\s+http:\/\/127\.0\.0\.1:\d+\/auth\/realms\/sandbox\/protocol\/openid-connect\/token/);
      expect(stderr).toMatch(/client secret\s+nsx-sandbox-secret/);
      expect(stderr).toMatch(/receiver\s+http:\/\/127\.0\.0\.1:\d+ \(rule reject-unknown-products\)/);
      const config = JSON.parse(readFileSync(join(env.NSX_CONFIG_DIR, 'config.json'), 'utf8'));
      expect(config.profiles.sandbox).toMatchObject({ tenant: 'sandbox', 'base-url': baseUrl, 'client-id': 'nsx-sandbox' });

      const list = await runNsx(['integrations', 'list', '--output', 'tsv'], { env: { ...env, NSX_PROFILE: 'sandbox' } });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^erp-orders\tstopped/m);

      const emit = await runNsx(['sandbox', 'emit', '--count', '3', '--events', 'order.created', '--json'], { env });
      expect(emit.code, emit.stderr).toBe(0);
      const emitted = JSON.parse(emit.stdout) as { name: string }[];
      expect(emitted.map((e) => e.name)).toEqual(['order.created', 'order.created', 'order.created']);

      const rule = await runNsx(['sandbox', 'receiver-rule', 'accept-all'], { env });
      expect(rule.code, rule.stderr).toBe(0);
      expect(((await (await fetch(`${baseUrl}/_sandbox/receiver`)).json()) as { rule: string }).rule).toBe('accept-all');
      const bad = await runNsx(['sandbox', 'receiver-rule', 'nonsense'], { env });
      expect(bad.code).toBe(2);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/sandbox stopped; state saved/);
    const statePath = join(env.NSX_STATE_DIR, 'sandbox.json');
    expect(existsSync(statePath)).toBe(true);
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state.integrations.map((i: { id: string }) => i.id)).toContain('erp-orders');
  });

  it('emit without a running sandbox says how to start one', async () => {
    home = isolatedHome();
    const res = await runNsx(['sandbox', 'emit', '--url', 'http://127.0.0.1:9'], { env: home.env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no sandbox answers at http:\/\/127\.0\.0\.1:9/);
    expect(res.stderr).toMatch(/nsx sandbox start/);
  });
});
