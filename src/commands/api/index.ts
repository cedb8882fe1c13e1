import { defineCommand, flag, list, value } from '../define.js';

export const api = defineCommand({
  name: 'api',
  summary: "call any NewStore route with the profile's credentials and print the JSON answer (like gh api)",
  args: [{ name: '<method>', description: 'GET, POST, PUT, PATCH or DELETE' }, { name: '<path>', description: 'a path under the API base, e.g. /api/v1/org/integrations/eventstream' }],
  options: {
    field: list('-F, --field <key=value>', 'a JSON body field (repeatable); true, false, null and numbers are sent as such; with GET or --input, a query parameter'),
    input: value('--input <file>', 'send this file as the JSON body ("-" reads stdin)'),
    paginate: flag('--paginate', 'GET only: read every page (offset/count) and print the items as one array'),
    yes: flag('-y, --yes', 'send a non-GET request without asking (required without a terminal)'),
    showSecrets: flag('--show-secrets', 'print api_key, aws_secret_access_key, client_secret, access_token and password values as answered'),
  },
  help: `The path is relative to the API base of the profile (nsx whoami shows it); absolute URLs, //host and
".." segments are refused, so the token goes to the tenant's host only. The same HTTP layer as every
command: token refresh, retries (GET, PUT and DELETE only; POST and PATCH are sent once), --timeout,
--verbose (secrets redacted), problem+json errors with their exit codes (401/403: 4, 404: 5, 400/422: 2,
409: 7). A non-GET request prints the profile and tenant first and asks in a terminal; without one,
pass --yes (exit 3 otherwise). The answer is printed as JSON on stdout (indented on a terminal);
nothing for an empty answer (204). --output ndjson prints one line per item of --paginate. Secret
fields (api_key, aws_secret_access_key, client_secret, access_token, refresh_token, password) are
masked as in nsx integrations get, unless --show-secrets.`,
  examples: [
    'nsx --sandbox api GET /api/v1/org/integrations/eventstream',
    'nsx --sandbox api GET /api/v1/org/integrations/eventstream/erp-orders/rejected_events --paginate -F count=20',
    'nsx --sandbox api POST /api/v1/org/integrations/eventstream/erp-orders/_stop --yes',
    'nsx api PATCH /api/v1/org/integrations/eventstream/erp-orders --input patch.json --yes',
    "nsx api GET /api/v1/org/integrations/eventstream/erp-orders/logs -F count=50 | jq '.logs[].message'",
  ],
  footer: 'Exit codes: 2 bad method, path, field or input (nothing sent); 3 not confirmed; 4, 5, 7 as above; 1 other errors.',
  async run(ctx, args, opts): Promise<void> {
    await (await import('./run.js')).run(ctx, args, opts);
  },
});
