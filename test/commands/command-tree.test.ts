// The command tree is built from the verb declarations (src/commands/define.ts): what a handler receives is
// typed from its declaration, a declared conflict is enforced by the parser, a declaration whose option key
// and flag disagree does not build, and building the tree loads no handler body (start-up stays cheap).
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { build } from 'esbuild';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineCommand, flag, register, value, type ArgsOf, type OptionsOf } from '../../src/commands/define.js';
import type { replay } from '../../src/commands/integrations/replay.js';
import type { list } from '../../src/commands/integrations/list.js';
import type { retry } from '../../src/commands/rejected/retry.js';
import type { recover } from '../../src/commands/recover/index.js';
import { ROOT } from '../helpers/cli.js';
import { runNsxInProcess } from '../helpers/run-nsx-in-process.js';

describe('a verb declaration', () => {
  it('types the handler: positional arguments and options as declared (checked by npm run typecheck)', () => {
    expectTypeOf<ArgsOf<typeof retry>>().toEqualTypeOf<[string, string[]]>();
    expectTypeOf<OptionsOf<typeof list>['status']>().toEqualTypeOf<'running' | 'stopped' | undefined>();
    expectTypeOf<OptionsOf<typeof retry>['event']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<OptionsOf<typeof retry>['dryRun']>().toEqualTypeOf<boolean | undefined>();
    // A mandatory option is always there; --resume <id> and --no-resume share one key.
    expectTypeOf<OptionsOf<typeof replay>['since']>().toEqualTypeOf<string>();
    expectTypeOf<OptionsOf<typeof recover>['resume']>().toEqualTypeOf<string | boolean | undefined>();
    expectTypeOf<OptionsOf<typeof recover>>().not.toHaveProperty('noResume');
  });

  it('is refused when an option key is not its flag\'s name, or a conflict names an option it does not declare', () => {
    const run = async () => {};
    expect(() => register(new Command('t'), defineCommand({ name: 'x', summary: 's', options: { yes: flag('--force') }, run }))).toThrow(/declare it as force, not yes/);
    expect(() =>
      register(new Command('t'), defineCommand({ name: 'x', summary: 's', options: { a: value('--a <v>', 'a', { conflicts: ['b'] }) }, run })),
    ).toThrow(/conflicts with b/);
  });

  it('enforces a declared conflict before anything runs: stock import --upload-url with --upload-url-env is exit 2', async () => {
    const r = await runNsxInProcess(['stock', 'import', 'stock.csv', '--upload-url', 'https://bucket.example.com/put', '--upload-url-env', 'PUT_URL']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/option '--upload-url-env <name>' cannot be used with option '--upload-url <url>'/);
  });
});

describe('building the command tree', () => {
  it('loads commander and the declarations only: no handler body, no zod, undici, conf or chalk', async () => {
    // The same code splitting as the build (src/bundle.ts): what cli.ts reaches through static imports.
    const result = await build({
      entryPoints: { nsx: fileURLToPath(new URL('src/cli.ts', `file://${ROOT}/`)) },
      absWorkingDir: ROOT,
      bundle: true,
      splitting: true,
      write: false,
      outdir: 'out',
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === 'src/cli.ts')!;
    const sources = new Set<string>();
    const packages = new Set<string>();
    const seen = new Set<string>();
    const walk = (chunk: string): void => {
      if (seen.has(chunk)) return;
      seen.add(chunk);
      for (const input of Object.keys(outputs[chunk]!.inputs)) sources.add(input);
      for (const i of outputs[chunk]!.imports) {
        if (i.kind !== 'import-statement') continue;
        if (i.external) packages.add(i.path);
        else walk(i.path);
      }
    };
    walk(entry);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
    const bodies = [...sources].filter((s) => /\.run\.ts$|commands\/(doctor\/doctor|completion\/print|rejected\/batch|recover\/run)\.ts$|src\/(api|workflows|config)\/|src\/output\/(?!printable\.ts)/.test(s));
    expect(bodies).toEqual([]);
    expect([...sources]).toContain('src/commands/rejected/retry.ts'); // the declarations are there
  });
});
