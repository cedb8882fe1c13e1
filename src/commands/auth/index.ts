import { Option, type Command } from 'commander';
import { lazy } from '../context.js';

export function registerAuth(program: Command): void {
  const auth = program.command('auth').description('store and check API client credentials');
  auth
    .command('login')
    .description('save client credentials for a profile and check that they obtain a token')
    .option('--client-id <id>', 'API client id (prompted for in a terminal)')
    .option('--client-secret-stdin', 'read the client secret from stdin (or set NSX_CLIENT_SECRET); never pass it as a flag value')
    .addOption(new Option('--no-verify', 'save without asking the token endpoint'))
    .addHelpText(
      'after',
      `
The secret is stored in credentials.json (mode 0600) in the config dir, never in config.json.

Examples:
  $ nsx auth login --profile acme --tenant acme                     (prompts for id and secret)
  $ printf %s "$SECRET" | nsx auth login --profile ci --tenant acme --client-id nsx-ci --client-secret-stdin
  $ NSX_CLIENT_SECRET=... nsx auth login --tenant acme-staging --client-id nsx-ci`,
    )
    .action(lazy(() => import('./login.js')));
  auth
    .command('logout')
    .description("forget a profile's client secret and cached tokens")
    .action(lazy(() => import('./logout.js')));
  program
    .command('whoami')
    .description('show the profile, tenant, API base and token URL in effect, and whether a token can be obtained')
    .addHelpText('after', '\nExit 4 when no token can be obtained. Secrets are never printed.\n\nExamples:\n  $ nsx whoami\n  $ nsx whoami --profile staging --json')
    .action(lazy(() => import('./whoami.js')));
}
