#!/usr/bin/env node
'use strict';
// The launcher: checks the Node version, answers --version and the root --help at once, and otherwise
// runs the built CLI: dist/bundle/nsx.js, the bundle of dist/ (src/bundle.ts says why), an ES module
// imported dynamically. It is CommonJS because an ES module entry point costs Node ~5 ms of loader
// start-up that these two fast answers do not need (bench/startup.mjs).
// This file parses on any Node (no `?.` or `??`), and everything up to the version check runs on any
// Node (no `node:` specifiers, no template literals): an old Node gets as far as saying which Node nsx
// needs, in one line.
var version = process.versions.node.split('.');
var major = Number(version[0]);
var minor = Number(version[1]);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    'error: nsx needs Node.js 22.19 or newer (this is ' + process.version + '): install Node 24 LTS from https://nodejs.org/en/download (or: nvm install 24)\n',
  );
  process.exit(1);
}
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
// A reader that goes away early (`nsx logs list ID | head`, `nsx --help | head`) ends nsx quietly with
// exit 0, where an unhandled EPIPE would print a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const root = join(__dirname, '..');
const args = process.argv.slice(2);
// The two commonest calls are answered without loading the command tree: `--version` (scripts probe
// for nsx with it) and the root `--help`, which the build renders to dist/root-help.txt at 80 columns
// (used when the terminal is at least that wide, or stdout is not a terminal).
const only = args.length === 1 ? args[0] : undefined;
const wideEnough = !process.stdout.isTTY || (process.stdout.columns || 0) >= 80;
let answered = false;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  answered = true;
} else if ((only === '--help' || only === '-h') && wideEnough) {
  try {
    process.stdout.write(readFileSync(join(root, 'dist', 'root-help.txt'), 'utf8'));
    answered = true;
  } catch {
    /* not built with the help text: commander renders it */
  }
}

if (!answered) {
  const { enableCompileCache } = require('node:module');
  if (enableCompileCache) enableCompileCache();
  import('../dist/bundle/nsx.js')
    .then(({ main }) => main(process.argv))
    .then((code) => {
      // The command is finished (its cleanups ran inside main): exit once stdout and stderr have flushed,
      // instead of waiting for the event loop to wind down idle sockets and aborted reads (10-50 ms).
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    })
    .catch((error) => {
      // main() never throws; this is a missing or broken build (dist/).
      process.stderr.write(`error: cannot load nsx from ${join(root, 'dist', 'bundle')}: ${error.message} (run npm run build)\n`);
      process.exit(1);
    });
}
