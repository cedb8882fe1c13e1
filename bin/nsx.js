#!/usr/bin/env node
// The launcher: checks the Node version, turns on the compile cache, runs the built CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`error: nsx needs Node.js >= 22.19 (this is ${process.version}); install Node 24 LTS\n`);
  process.exit(1);
}
// A reader that goes away early (`nsx logs list ID | head`, `nsx --help | head`) ends nsx quietly with
// exit 0, where an unhandled EPIPE would print a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const args = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
// The two commonest calls are answered without loading the command tree: `--version` (scripts probe
// for nsx with it) and the root `--help`, which the build renders to dist/root-help.txt at 80 columns
// (used when the terminal is at least that wide, or stdout is not a terminal).
const only = args.length === 1 ? args[0] : undefined;
const wideEnough = !process.stdout.isTTY || (process.stdout.columns ?? 0) >= 80;
let answered = false;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  answered = true;
} else if ((only === '--help' || only === '-h') && wideEnough) {
  try {
    process.stdout.write(readFileSync(new URL('../dist/root-help.txt', import.meta.url), 'utf8'));
    answered = true;
  } catch {
    /* not built with the help text: commander renders it */
  }
}
if (!answered) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('../dist/cli.js');
  const code = await main(process.argv);
  // The command is finished (its cleanups ran inside main): exit once stdout and stderr have flushed,
  // instead of waiting for the event loop to wind down idle sockets and aborted reads (10-50 ms).
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
