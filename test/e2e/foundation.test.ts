// The built CLI as a user meets it: version, help, usage errors, profiles on disk, whoami, json purity.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolatedHome, ROOT, runNsx, type IsolatedHome } from '../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

const SECRET = 'sup3r-s3cret-value';
const TOKEN = 'eyJ-access-token-0123456789';
let home: IsolatedHome;
let idp: LoopbackServer;

beforeAll(async () => {
  idp = await serveHandlers([
    http.post('*/auth/realms/:tenant/protocol/openid-connect/token', async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      if (form.get('grant_type') === 'client_credentials' && form.get('client_id') === 'nsx-ci' && form.get('client_secret') === SECRET) {
        return HttpResponse.json({ access_token: TOKEN, expires_in: 300, token_type: 'Bearer' });
      }
      return HttpResponse.json({ error: 'unauthorized_client', error_description: 'Invalid client secret' }, { status: 401 });
    }),
    http.get('*/api/v1/org/integrations/eventstream', ({ request }) =>
      request.headers.get('authorization') === `Bearer ${TOKEN}` ? HttpResponse.json({ integrations: [] }) : new HttpResponse(null, { status: 403 }),
    ),
  ]);
});
afterAll(() => idp.close());
afterEach(() => home?.cleanup());

function env(extra: Record<string, string> = {}): Record<string, string> {
  home = isolatedHome();
  return { ...home.env, NSX_BASE_URL: idp.url, NSX_TOKEN_URL: `${idp.url}/auth/realms/acme/protocol/openid-connect/token`, ...extra };
}

describe('nsx as a program', () => {
  it('prints its version and help, with the exit codes at the end of --help', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const version = await runNsx(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = await runNsx(['--help']);
    expect(help.code).toBe(0);
    for (const code of ['0', '1', '2', '3', '4', '5', '6', '7', '130']) expect(help.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
  });

  it('answers --help from the pre-rendered text exactly as commander renders it live', async () => {
    const [fast, live] = await Promise.all([runNsx(['--help']), runNsx(['help'])]);
    expect(fast.code).toBe(0);
    expect(live.code).toBe(0);
    expect(fast.stdout).toBe(live.stdout);
    const { renderRootHelp } = await import('../../src/cli.js');
    expect(fast.stdout).toBe(renderRootHelp()); // dist/ is as fresh as src/
  });

  it('answers an unknown command with exit 2, one error line and a suggestion', async () => {
    const r = await runNsx(['confg', 'list'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: unknown command 'confg'/m);
    expect(r.stderr).toMatch(/Did you mean config\?/);
  });

  it('reports a usage error as one JSON object on stderr in json modes', async () => {
    for (const args of [['confg', 'list', '--json'], ['integrations', 'list', '-o', 'ndjson', '--bogus'], ['--output=json', 'integrations', 'get']]) {
      const r = await runNsx(args, { env: env() });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(r.stderr).error).toMatchObject({ exit_code: 2, hint: expect.stringContaining('--help') });
    }
  });

  it('answers a bad flag value with exit 2 before sending anything', async () => {
    const before = idp.requests.length;
    const r = await runNsx(['whoami', '--timeout', 'soon'], { env: env({ NSX_TENANT: 'acme', NSX_CLIENT_ID: 'x', NSX_CLIENT_SECRET: 'y' }) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(idp.requests.length).toBe(before);
  });
});

describe('profiles and credentials', () => {
  it('stores a profile owner-only, and login checks the secret read from stdin', async () => {
    const e = env();
    const login = await runNsx(['auth', 'login', '--profile', 'ci', '--tenant', 'acme', '--client-id', 'nsx-ci', '--client-secret-stdin'], { env: e, input: `${SECRET}\n` });
    expect(login.stderr).toContain('profile ci saved: a token was obtained');
    expect(login.code).toBe(0);
    const dir = e.NSX_CONFIG_DIR!;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['config.json', 'credentials.json']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(e.NSX_CACHE_DIR!, 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain(SECRET);

    const who = await runNsx(['whoami', '--json'], { env: e });
    expect(who.code).toBe(0);
    const report = JSON.parse(who.stdout);
    expect(report).toMatchObject({ profile: 'ci', tenant: 'acme', client_id: 'nsx-ci', token: { ok: true } });
    expect(who.stdout + who.stderr).not.toContain(SECRET);
    expect(who.stdout + who.stderr).not.toContain(TOKEN);
  });

  it('whoami with bad credentials exits 4 and never prints the secret', async () => {
    const r = await runNsx(['whoami', '--verbose'], { env: env({ NSX_TENANT: 'acme', NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'wrong-secret-123' }) });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/could not obtain a token for profile default \(tenant acme\): the token endpoint answered 401/);
    expect(r.stderr).toMatch(/> POST http:\/\/127\.0\.0\.1:\d+\/auth\/realms\/acme/); // --verbose trace
    expect(r.stdout + r.stderr).not.toContain('wrong-secret-123');
    const quiet = await runNsx(['whoami'], { env: env({ NSX_TENANT: 'acme', NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'wrong-secret-123' }) });
    expect(quiet.code).toBe(4);
    expect(quiet.stderr).not.toMatch(/^\s+at /m); // a stack trace only with --verbose
    expect(r.stderr).toMatch(/^\s+at /m);
  });

  it('refuses a login whose secret would be a flag value', async () => {
    const r = await runNsx(['auth', 'login', '--tenant', 'acme', '--client-id', 'x', '--client-secret', SECRET], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--client-secret'/);
  });

  it('keeps stdout pure JSON and reports errors as JSON on stderr in --json mode', async () => {
    const r = await runNsx(['whoami', '--json'], { env: env({ NSX_TENANT: 'acme', NSX_CLIENT_ID: 'nsx-ci', NSX_CLIENT_SECRET: 'nope-nope' }) });
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).token.ok).toBe(false);
    expect(JSON.parse(r.stderr).error.exit_code).toBe(4);
  });

  it("prints in the profile's output format when no --output is given; the flag beats it", async () => {
    const e = env({ NSX_TENANT: 'acme', NSX_TOKEN: TOKEN });
    expect((await runNsx(['config', 'set', 'output', 'json'], { env: e })).code).toBe(0);
    const list = await runNsx(['integrations', 'list'], { env: e });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const missing = await runNsx(['integrations', 'get', 'ghost'], { env: e });
    expect(JSON.parse(missing.stderr).error.exit_code).toBeGreaterThan(0);
    const tsv = await runNsx(['integrations', 'list', '-o', 'tsv'], { env: e });
    expect(tsv.stdout).toBe('');
  });

  it('uses NSX_TOKEN as is, without a token call', async () => {
    const before = idp.requests.filter((q) => q.path.includes('/token')).length;
    const r = await runNsx(['whoami', '--json'], { env: env({ NSX_TENANT: 'acme', NSX_TOKEN: TOKEN }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).token_source).toBe('NSX_TOKEN');
    expect(idp.requests.filter((q) => q.path.includes('/token')).length).toBe(before);
  });
});

describe('packaging', () => {
  const npmEnv = (path = process.env.PATH!) => ({
    ...process.env,
    PATH: path,
    npm_config_loglevel: 'warn',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  });
  const pack = (dir: string): string =>
    join(dir, execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env: npmEnv(), encoding: 'utf8' }).trim().split('\n').pop()!);
  const packedFile = (tarball: string, file: string): string => execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
  /** A node older than 22.19 on this machine (the machines ship Node 20), if there is one. */
  const oldNode = (() => {
    const found = spawnSync('sh', ['-c', 'which -a node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const node of found) {
      const v = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
      if (v[0]! < 22 || (v[0] === 22 && v[1]! < 19)) return node;
    }
    return undefined;
  })();

  it('the tarball runs no script at install, and declares as dependencies exactly what the bundle loads from node_modules', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsx-pack-'));
    try {
      const tarball = pack(dir);
      const pkg = JSON.parse(packedFile(tarball, 'package.json'));
      // npm runs these for whoever installs the package; the build tooling (.ci/, tsc) is not in it.
      for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish']) expect(pkg.scripts?.[hook], hook).toBeUndefined();
      expect(pkg.scripts.prepack).toBe('npm run -s build'); // a packed or published tarball holds a fresh build
      const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(files).not.toContain('package/.ci/node24');
      // Bare imports left in the bundle are the runtime dependencies; everything else is bundled.
      const bundleDir = join(ROOT, 'dist', 'bundle');
      const external = new Set<string>();
      for (const f of readdirSync(bundleDir).filter((n) => n.endsWith('.js'))) {
        const text = readFileSync(join(bundleDir, f), 'utf8');
        // esbuild writes an external as an import statement, import("x") or __require("x"); ajv's code
        // templates also hold `require("ajv/...")` text, which is never run (standalone mode only).
        for (const m of text.matchAll(/(?:^import\s[^;]*?\bfrom\s*|\bimport\(|\b__require\()"([^"./][^"]*)"/gm)) {
          const spec = m[1]!;
          if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
          external.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
      expect(Object.keys(pkg.dependencies).sort()).toEqual([...external].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm pack produces a tarball that installs globally and runs', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsx-pack-'));
    try {
      const tarball = pack(dir);
      const prefix = join(dir, 'prefix');
      const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball], { cwd: dir, env: npmEnv(), encoding: 'utf8' });
      expect(install.status, install.stderr).toBe(0);
      expect(install.stderr).not.toMatch(/install-scripts|EBADENGINE/);
      const run = (args: string[]) =>
        spawnSync(join(prefix, 'bin', 'nsx'), args, { env: { PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, NO_COLOR: '1', HOME: dir }, encoding: 'utf8' });
      expect(run(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
      // A command that loads the bundle, the in-process sandbox and the API client from the installed copy.
      const list = run(['--sandbox', 'integrations', 'list', '-o', 'tsv']);
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^erp-orders\tstopped/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!oldNode)('under an old Node: one engine warning at install, and nsx says in one line which Node it needs', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsx-pack-'));
    try {
      const tarball = pack(dir);
      const prefix = join(dir, 'prefix');
      const oldPath = `${join(oldNode!, '..')}:${process.env.PATH}`; // npm itself runs on the old node too
      const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball], { cwd: dir, env: npmEnv(oldPath), encoding: 'utf8' });
      expect(install.status, install.stderr).toBe(0);
      const unsupported = [...install.stderr.matchAll(/EBADENGINE\s+package: '([^']+)'/g)].map((m) => m[1]);
      expect(unsupported).toEqual(['nsx@0.1.0'].map((n) => n.replace('0.1.0', JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)));
      expect(install.stderr).not.toContain('install-scripts');
      const r = spawnSync(join(prefix, 'bin', 'nsx'), ['integrations', 'list'], { env: { PATH: oldPath, HOME: dir }, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: nsx needs Node\.js 22\.19 or newer \(this is v\d+\.\d+\.\d+\): install Node 24 LTS from https:\/\/nodejs\.org\S* \(or: nvm install 24\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
