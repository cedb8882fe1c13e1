import type { Command } from 'commander';
import { lazy } from '../context.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the setup: config permissions, credentials, token, API, clock, proxy')
    .addHelpText(
      'after',
      `
One line per check: ok, warn or fail. Exit 1 when any check fails (warnings do not fail).
Checks: config (owner-only files), profile (tenant and API base), credentials (client id and secret, or
NSX_TOKEN), token (a fresh one from the token URL), api (an authenticated read), clock (skew against the
API's Date header), proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY in effect).

Examples:
  $ nsx doctor
  $ nsx doctor --profile staging
  $ nsx doctor --json | jq -r '.[] | select(.status != "ok") | "\\(.check): \\(.detail)"'`,
    )
    .action(lazy(() => import('./doctor.js')));
}
