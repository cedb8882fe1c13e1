import { defineCommand, flag, value } from '../define.js';

export const status = defineCommand({
  name: 'status',
  summary: 'one line per integration: status, rejected events, last error, publishing of the last hour (for monitors)',
  options: {
    maxFailureRate: value('--max-failure-rate <rate>', 'a failure rate of the last hour above this needs attention: 0.05 or 5% (default: 5%)'),
    allProfiles: flag('--all-profiles', 'every profile of the config, one section per tenant'),
    watch: value('--watch <interval>', 'on a terminal: redraw every interval (e.g. 30s) until Ctrl-C'),
  },
  outputs: ['openmetrics'],
  help: `Per integration: id, status, type, destination, rejected events waiting (with the limit when the
answer carries one; NewStore documents none), the newest error line of its log and its age, and from the
published events of the last hour its last successful publish and failure rate. Reads in parallel (about
three round trips whatever the number of integrations); the ones that need a human come first.

With --all-profiles, or --profile a,b,c (a comma list), every tenant is read at once, one section each;
a tenant that does not answer is shown as such and the others still print.

Exit codes for monitors: 0 every integration is running with no rejected events and a failure rate at
most --max-failure-rate; 6 some need attention (stopped, rejected events waiting, failure rate over the
limit); 1 a tenant (or part of one) could not be read.

--output openmetrics (this command only) prints the Prometheus text format for node_exporter's
textfile collector: gauges nsx_integration_running (1/0), nsx_rejected_events and
nsx_publish_failures_ratio labelled tenant and integration, nsx_tenant_up per tenant (0: not read),
then # EOF; the exit codes stay the same. --watch needs a terminal (a monitor runs nsx status from
cron instead).`,
  examples: [
    'nsx status',
    'nsx status --max-failure-rate 1%',
    'nsx status --all-profiles',
    'nsx status --profile acme,acme-staging --json',
    "nsx status --json | jq -r '.[] | select(.attention | length > 0) | .id'",
    'nsx status --all-profiles -o openmetrics > nsx.prom',
    'nsx status --watch 30s',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./status.run.js')).run(ctx, args, opts);
  },
});
