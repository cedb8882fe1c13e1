// An unknown integration id: exit 5 and "did you mean erp-orders?" with the corrected command, from the id
// cache of the profile in use (kept per profile; --sandbox has its own); the suggested command is run.
// Also: the per-profile cache files, the old single file removed, the profile names file completion reads.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/input/did-you-mean.js';
import { correctedWords } from '../../src/commands/suggest-id.js';
import { writeSandboxProfile } from '../helpers/sandbox.js';
import { h, lines, state, useDemoSandbox } from './integrations/demo-sandbox.js';

useDemoSandbox();

const cacheDir = () => h.env.NSX_CACHE_DIR!;
/** The command a "did you mean" hint prints, as argv for h.nsx (the words are plain: no quoting to undo). */
function suggested(stderr: string): string[] {
  const line = /did you mean [\w.-]+\? (nsx .*)$/m.exec(stderr)?.[1];
  expect(line, stderr).toBeDefined();
  return line!.split(' ').slice(1);
}

describe('edit distance and the closest match', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('erp-orders', 'erp-orders')).toBe(0);
    expect(editDistance('erp-order', 'erp-orders')).toBe(1);
    expect(editDistance('erp-ordres', 'erp-orders')).toBe(1); // swap
    expect(editDistance('erp-ordrs', 'erp-orders')).toBe(1);
    expect(editDistance('erp-0rderz', 'erp-orders')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only close words: at most 2 edits and a third of the word', () => {
    const known = ['erp-orders', 'wms-fulfillment', 's3-archive'];
    expect(closestMatch('erp-ordres', known)).toBe('erp-orders');
    expect(closestMatch('wms-fulfilment', known)).toBe('wms-fulfillment');
    expect(closestMatch('erp-xyzers', known)).toBeUndefined(); // 3 edits
    expect(closestMatch('s4', ['s3'])).toBeUndefined(); // 1 edit, but half the word
    expect(closestMatch('erp-orders', known)).toBeUndefined(); // the same word is no suggestion
    expect(closestMatch('erp-order', ['erp-orders', 'erp-order2'])).toBe('erp-orders'); // ties: the first
  });

  it('corrects the id in the words and leaves out the target flags ctx.command repeats', () => {
    expect(correctedWords(['--profile', 'acme', 'recover', 'erp-ordr', '--yes'], 'erp-ordr', 'erp-orders')).toEqual(['recover', 'erp-orders', '--yes']);
    expect(correctedWords(['--sandbox', 'logs', 'list', '--timeout=5s', 'erp-ordr'], 'erp-ordr', 'erp-orders')).toEqual(['logs', 'list', 'erp-orders']);
    expect(correctedWords(['runs', 'list', '--integration=erp-ordr'], 'erp-ordr', 'erp-orders')).toEqual(['runs', 'list', '--integration=erp-orders']);
    expect(correctedWords(['integrations', 'list'], 'erp-ordr', 'erp-orders')).toBeUndefined();
  });
});

describe('did you mean, end to end in-process', () => {
  it('integrations start erp-ordres: exit 5, the hint names erp-orders, and the suggested command starts it', async () => {
    expect((await h.nsx(['integrations', 'list'])).code).toBe(0);
    const r = await h.nsx(['integrations', 'start', 'erp-ordres']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/integration "erp-ordres" does not exist/);
    expect(r.stderr).toContain('did you mean erp-orders? nsx integrations start erp-orders');
    expect(state().integrations.get('erp-orders')?.status).toBe('stopped');
    const again = await h.nsx(suggested(r.stderr));
    expect(again.code, again.stderr).toBe(0);
    expect(state().integrations.get('erp-orders')?.status).toBe('running');
  });

  it('keeps the other words: rejected list erp-order -o json suggests the same listing, which runs', async () => {
    expect((await h.nsx(['integrations', 'list'])).code).toBe(0);
    const r = await h.nsx(['rejected', 'list', 'erp-order', '-o', 'json']);
    expect(r.code).toBe(5);
    // In json modes the error is one JSON object on stderr, the hint in it.
    expect(r.stderr).toContain('did you mean erp-orders? nsx rejected list erp-orders -o json');
    const again = await h.nsx(suggested(r.stderr.replace(/".*?hint":"([^"]*)".*/s, '$1')));
    expect(again.code, again.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(again.stdout))).toBe(true);
  });

  it('an id close to none of the cached ones keeps the plain hint', async () => {
    expect((await h.nsx(['integrations', 'list'])).code).toBe(0);
    const r = await h.nsx(['integrations', 'get', 'inventory-sync']);
    expect(r.code).toBe(5);
    expect(r.stderr).not.toMatch(/did you mean/);
    expect(r.stderr).toContain('see the ids with: nsx integrations list');
  });

  it("reads the cache of the profile in use: another profile's ids are not suggested; --profile's are, with --profile", async () => {
    const viaProfile = { ...writeSandboxProfile(h as never, 'acme') };
    rmSync(join(cacheDir(), 'integration-ids.d'), { recursive: true, force: true });
    expect((await h.nsx(['--profile', 'acme', 'integrations', 'list'], { env: viaProfile })).code).toBe(0);
    expect(lines(readFileSync(join(cacheDir(), 'integration-ids.d', 'acme'), 'utf8'))).toContain('erp-orders');
    expect(existsSync(join(cacheDir(), 'integration-ids.d', 'default'))).toBe(false);

    const plain = await h.nsx(['integrations', 'get', 'erp-ordr']);
    expect(plain.code).toBe(5);
    expect(plain.stderr).not.toMatch(/did you mean/);

    const r = await h.nsx(['integrations', 'get', 'erp-ordr', '--profile', 'acme'], { env: viaProfile });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('did you mean erp-orders? nsx --profile acme integrations get erp-orders');
    const again = await h.nsx(suggested(r.stderr), { env: viaProfile });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('erp-orders');
    rmSync(join(h.env.NSX_CONFIG_DIR!, 'config.json'));
    rmSync(join(h.env.NSX_CONFIG_DIR!, 'credentials.json'));
  });

  it('--sandbox keeps its own cache file, and its hint repeats --sandbox', async () => {
    rmSync(join(cacheDir(), 'integration-ids.d'), { recursive: true, force: true });
    const env = { NSX_BASE_URL: undefined, NSX_TOKEN_URL: undefined, NSX_TENANT: undefined, NSX_CLIENT_ID: undefined, NSX_CLIENT_SECRET: undefined };
    expect((await h.nsx(['--sandbox', 'integrations', 'list'], { env })).code).toBe(0);
    expect(readdirSync(join(cacheDir(), 'integration-ids.d'))).toEqual(['@sandbox']);
    const r = await h.nsx(['--sandbox', 'recover', 'erp-ordrs', '--dry-run'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('did you mean erp-orders? nsx --sandbox recover erp-orders --dry-run');
    const again = await h.nsx(suggested(r.stderr), { env });
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('the files completion reads', () => {
  it('the old single id file is removed at the first write of a per-profile one', async () => {
    mkdirSync(cacheDir(), { recursive: true });
    writeFileSync(join(cacheDir(), 'integration-ids'), 'old-mixed-ids\n');
    expect((await h.nsx(['integrations', 'list'])).code).toBe(0);
    expect(existsSync(join(cacheDir(), 'integration-ids'))).toBe(false);
    expect(lines(readFileSync(join(cacheDir(), 'integration-ids.d', 'default'), 'utf8'))).not.toContain('old-mixed-ids');
  });

  it('config set and config use write the profile names and the current profile', async () => {
    expect((await h.nsx(['config', 'set', 'tenant', 'acme-prod', '--profile', 'prod'])).code).toBe(0);
    expect((await h.nsx(['config', 'set', 'tenant', 'acme-staging', '--profile', 'staging'])).code).toBe(0);
    expect(lines(readFileSync(join(cacheDir(), 'profile-names'), 'utf8'))).toEqual(['prod', 'staging']);
    expect((await h.nsx(['config', 'use', 'staging'])).code).toBe(0);
    expect(readFileSync(join(cacheDir(), 'current-profile'), 'utf8')).toBe('staging\n');
    rmSync(join(h.env.NSX_CONFIG_DIR!, 'config.json'));
  });

  it('a config edited by hand (newer than the names file) is read again at the next command', async () => {
    expect((await h.nsx(['config', 'set', 'tenant', 'acme-prod', '--profile', 'prod'])).code).toBe(0);
    const file = join(h.env.NSX_CONFIG_DIR!, 'config.json');
    const edited = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, unknown> };
    edited.profiles['eu-prod'] = { tenant: 'acme-eu' };
    edited.profiles['bad name$(x)'] = { tenant: 'x' };
    writeFileSync(file, JSON.stringify(edited), { mode: 0o600 });
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect((await h.nsx(['config', 'list'])).code).toBe(0);
    expect(lines(readFileSync(join(cacheDir(), 'profile-names'), 'utf8'))).toEqual(['prod', 'eu-prod']);
    rmSync(file);
  });
});
