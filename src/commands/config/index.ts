import { defineGroup } from '../define.js';
import { get } from './get.js';
import { list } from './list.js';
import { set } from './set.js';
import { unset } from './unset.js';
import { use } from './use.js';

export const config = defineGroup({
  name: 'config',
  summary: 'read and change profiles (stored in ~/.config/nsx, owner-only)',
  help: `Keys: tenant, stage, base-url, token-url, client-id, timeout, output.
The client secret is not a key: set it with nsx auth login (it goes to credentials.json, mode 0600).

Corrections of what nsx assumes about NewStore, when a tenant differs (nsx doctor --api finds them):
  routes.ROUTE "METHOD /path"   one route of nsx's table; the path keeps the default's {params}, a read
                                stays GET (names and defaults: README "Correcting an assumed route")
  pagination.offset NAME        query parameter of the first item (default offset)
  pagination.count NAME         query parameter of the page size (default count)
  pagination.page-size N        the largest page nsx asks for, 1-1000 (default 200)`,
  examples: [
    'nsx config set tenant acme-staging --profile staging',
    'nsx config set routes.listLogs "GET /api/v1/org/integrations/eventstream/{id}/log_entries"',
    'nsx config unset routes.listLogs',
    'nsx config use staging',
    'nsx config list --json',
  ],
  verbs: [set, get, unset, list, use],
});
