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
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered without loading the command tree: scripts call this to probe for nsx.
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('../dist/cli.js');
  const code = await main(process.argv);
  process.exitCode = code;
  // A leaked handle must not keep a finished command alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
