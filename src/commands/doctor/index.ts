import { defineCommand, flag, value } from '../define.js';

export const doctor = defineCommand({
  name: 'doctor',
  summary: 'check the setup: config permissions, credentials, token, API, clock, proxy; --api: probe every read route',
  options: {
    api: flag('--api', 'probe the tenant read-only: one GET per read route nsx uses, one line per route'),
    integration: value('--integration <id>', 'with --api: the integration whose get, logs and rejected events are probed (default: the first listed)'),
  },
  help: `One line per check: ok, warn or fail. Exit 1 when any check fails (warnings do not fail).
Checks: config (owner-only files), profile (tenant and API base), credentials (client id and secret, or
NSX_TOKEN), token (a fresh one from the token URL), api (an authenticated read), clock (skew against the
API's Date header), proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY in effect).

--api calls each read route once (integrations list; get, logs and rejected events of one integration;
published events of the last hour; the import list) and says per route: ok (readable), lenient (readable,
with fields nsx does not know or expected ones missing), not-found (the route probably differs: the line
prints the nsx config set routes.X command to correct it; fill in the <path>), auth, unreadable, failed,
skipped. It never writes. Exit 1 when a route fails. --json gives the lines for a support ticket.`,
  examples: [
    'nsx doctor',
    'nsx doctor --profile staging',
    'nsx doctor --api --integration erp-orders --json',
    `nsx doctor --json | jq -r '.[] | select(.status != "ok") | "\\(.check): \\(.detail)"'`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./doctor.js')).run(ctx, args, opts);
  },
});
