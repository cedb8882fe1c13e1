// Build step (after tsc): bundles the CLI, dist/cli.js, into dist/bundle/ with esbuild; bin/nsx.cjs loads
// dist/bundle/nsx.js. Node resolves, reads, compiles and links every module file on its own, and a command
// that calls the API loads about 300 of them (undici ~110, zod ~95, commander, nsx's own). Bundled, the
// time from spawn to the start of `nsx recover` fell from ~200 to ~140 ms (median of 5 runs on the 2-core
// dev machine, bench/recover.mjs's setup). The bundle keeps the lazy loading: code splitting turns every
// dynamic import (each command's handler, the in-process sandbox, the prompts, the table and spinner
// libraries) into a chunk loaded on first use.
// undici is bundled without its index: nsx uses two of its classes (Agent, EnvHttpProxyAgent; every call
// goes through Dispatcher#dispatch, src/api/exchange.ts), and undici's index also loads fetch, WebSocket,
// the caches, the mocks and their Node built-ins, ~50 ms more of every command that calls the API. The shim
// names the two files; an undici release that moves them fails this build, not a user's command.
// yazl and yauzl stay in node_modules: stock's native CRC-32 patch (src/workflows/stock/package.ts) reaches
// buffer-crc32 through yazl's own require, which must be the copy yazl itself uses.
// Run as `node dist/bundle.js` (npm run build).
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const dist = fileURLToPath(new URL('./', import.meta.url));
const target = `${dist}bundle`;
// Built beside the live bundle and swapped in by two renames, so that an nsx started during a build (a
// test, a shell) finds the old bundle or the new one, never none; no chunk of an older build stays behind.
const outdir = `${dist}bundle.new-${process.pid}`;
const old = `${dist}bundle.old-${process.pid}`;
for (const leftover of readdirSync(dist)) {
  if (/^bundle\.(new|old)-\d+$/.test(leftover)) rmSync(`${dist}${leftover}`, { recursive: true, force: true }); // an interrupted build's
}

const UNDICI_SHIM = `
import Agent from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
export { Agent, EnvHttpProxyAgent };
`;
const undiciShim: Plugin = {
  name: 'undici-classes-only',
  setup(b) {
    // Only nsx's own imports; the shim's deep imports resolve as usual.
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici-classes-only', namespace: 'nsx-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'nsx-shim' }, () => ({ contents: UNDICI_SHIM, loader: 'js', resolveDir: dist }));
  },
};

await build({
  entryPoints: { nsx: `${dist}cli.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['yazl', 'yauzl'],
  plugins: [undiciShim],
  // CommonJS dependencies (undici, commander, cli-table3) call require() for Node's built-in modules.
  banner: { js: "import { createRequire as __nsxCreateRequire } from 'node:module'; const require = __nsxCreateRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  legalComments: 'eof',
  logLevel: 'warning',
});

try {
  renameSync(target, old);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // the first build
}
renameSync(outdir, target);
rmSync(old, { recursive: true, force: true });
