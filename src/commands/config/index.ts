import type { Command } from 'commander';
import { lazy } from '../context.js';

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('read and change profiles (stored in ~/.config/nsx, owner-only)')
    .addHelpText(
      'after',
      `
Keys: tenant, stage, base-url, token-url, client-id, timeout, output.
The client secret is not a key: set it with nsx auth login (it goes to credentials.json, mode 0600).

Corrections of what nsx assumes about NewStore, when a tenant differs (nsx doctor --api finds them):
  routes.ROUTE "METHOD /path"   one route of nsx's table; the path keeps the default's {params}, a read
                                stays GET (names and defaults: README "Correcting an assumed route")
  pagination.offset NAME        query parameter of the first item (default offset)
  pagination.count NAME         query parameter of the page size (default count)
  pagination.page-size N        the largest page nsx asks for, 1-1000 (default 200)

Examples:
  $ nsx config set tenant acme-staging --profile staging
  $ nsx config set routes.listLogs "GET /api/v1/org/integrations/eventstream/{id}/log_entries"
  $ nsx config unset routes.listLogs
  $ nsx config use staging
  $ nsx config list --json`,
    );
  config
    .command('set <key> <value>')
    .description('set a key of the selected profile (creates the profile)')
    .action(lazy(() => import('./set.js')));
  config.command('get <key>').description('print one key of the selected profile').action(lazy(() => import('./get.js')));
  config.command('unset <key>').description('remove a key from the selected profile').action(lazy(() => import('./unset.js')));
  config.command('list').alias('ls').description('list profiles and their keys (never secrets)').action(lazy(() => import('./list.js')));
  config
    .command('use <profile>')
    .description('make a profile the current one')
    .action(lazy(() => import('./use.js')));
}
