// The structure check (npm run lint:layers) fails on a tree that breaks the layering, naming file, line
// and import, and passes on src/ as it stands.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const check = (dir: string) => spawnSync(process.execPath, ['scripts/check-layers.mjs', dir], { cwd: ROOT, encoding: 'utf8' });

describe('lint:layers', () => {
  it('fails (exit 1) on each upward import, HTTP in a command, and the sandbox importing commands/, one line each', () => {
    const dir = 'test/fixtures/layers/bad/src';
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    const at = (file: string) => `lint:layers: ${dir}/${file}`;
    expect(lines).toEqual([
      `${at('api/client.ts:2')}: imports ../config/profiles.js: api must not import config, a layer above it (base -> api -> input -> config -> sandbox -> output -> workflows -> commands -> cli)`,
      `${at('commands/sandbox/emit.ts:2')}: imports undici (commands never talk HTTP; use the API client in api/)`,
      `${at('commands/sandbox/emit.ts:9')}: calls fetch() (HTTP belongs in api/)`,
      `${at('commands/sandbox/emit.ts:9')}: builds an API path \`…/_sandbox/emit\` (paths belong in api/routes.ts)`,
      `${at('commands/sandbox/emit.ts:10')}: builds a URL: new URL(…, base) (URLs belong in api/)`,
      `${at('commands/sandbox/emit.ts:10')}: holds an API path '/api/v1/org/integrations' (paths belong in api/routes.ts)`,
      `${at('commands/sandbox/emit.ts:12')}: holds an API path '/v0/token' (paths belong in api/routes.ts)`,
      `${at('commands/sandbox/emit.ts:13')}: builds a URL \`https://\${…}\` (URLs belong in api/)`,
      `${at('misc/util.ts')}: is in no layer (place it in scripts/check-layers.mjs LAYERS)`,
      `${at('sandbox/index.ts:2')}: imports ../commands/context.js: the sandbox never imports commands/ (sandbox -> commands)`,
      `${at('workflows/recover.ts:2')}: imports ../sandbox/index.js: only commands/ and the cli may use the sandbox (workflows -> sandbox)`,
      `lint:layers: 11 problems in ${dir}`,
    ]);
    // What a command may do with URLs (read one, resolve a file beside the module, name a path in prose) is not reported.
    expect(r.stderr).not.toContain('fine.ts');
  });

  it('passes (exit 0) on src/ as it stands', () => {
    const r = check('src');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('lint:layers: src keeps its layers\n');
  });
});
