import { Option, type Command } from 'commander';
import { lazy } from '../context.js';

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('a local NewStore to rehearse on: event stream and import APIs, webhook delivery, a demo receiver')
    .addHelpText(
      'after',
      `
The sandbox serves the NewStore API on loopback, delivers synthetic retail events to a demo receiver
and keeps its state in a file. Admin endpoints live under /_sandbox/ (see src/sandbox/README.md).

Examples:
  $ nsx sandbox start                          demo scenario on http://127.0.0.1:4545, profile "sandbox"
  $ export NSX_PROFILE=sandbox && nsx integrations list
  $ nsx sandbox receiver-rule accept-all       "deploy the fix", then: nsx recover erp-orders
  $ nsx sandbox emit --count 50 --events 'order.*'`,
    );

  sandbox
    .command('start')
    .description('run the sandbox in the foreground (Ctrl-C stops it and saves its state)')
    .addOption(new Option('--host <host>', 'address to listen on (default: 127.0.0.1)'))
    .addOption(new Option('--port <port>', 'port of the API (default: 4545; 0 = any free port)'))
    .addOption(new Option('--state <file>', 'state file (default: sandbox.json in the nsx state dir)'))
    .addOption(new Option('--no-state', 'keep the state in memory only'))
    .addOption(new Option('--scenario <name>', 'data to start with when there is no state: demo or empty (default: demo)'))
    .addOption(new Option('--reset', 'ignore the saved state and start the scenario anew'))
    .addOption(new Option('--time-scale <n>', 'divide every time constant by N (10 failed deliveries take ~20 min at 1; default 1)'))
    .addOption(new Option('--latency <ms>', 'add latency to every API answer: MS or MIN-MAX'))
    .addOption(new Option('--error-rate <p>', 'share of API calls answered 5xx (0..1)'))
    .addOption(new Option('--throttle-rate <p>', 'share of API calls answered 429 with Retry-After (0..1)'))
    .addOption(new Option('--reset-rate <p>', 'share of API calls whose connection is dropped (0..1)'))
    .addOption(new Option('--rejected-limit <n>', 'rejected events an integration stores before it stops (default: 100)'))
    .addOption(new Option('--token-ttl <seconds>', 'lifetime of access tokens (default: 300)'))
    .addOption(new Option('--receiver-port <port>', 'port of the demo receiver (default: API port + 1)'))
    .addOption(new Option('--receiver-rule <rule>', 'rule of the demo receiver (default: the scenario\'s; demo: reject-unknown-products)'))
    .addOption(new Option('--no-receiver', 'do not start the demo receiver'))
    .addOption(new Option('--no-profile', 'do not create or update the "sandbox" profile'))
    .addHelpText(
      'after',
      `
On start it prints the base URL, token URL, client id and secret, and writes them to the "sandbox" profile
(nsx config), so that NSX_PROFILE=sandbox (or --profile sandbox) points every command at it.

Examples:
  $ nsx sandbox start
  $ nsx sandbox start --reset --time-scale 60          failures stop an integration in ~20 s
  $ nsx sandbox start --port 0 --no-state --scenario empty
  $ nsx sandbox start --latency 50-300 --error-rate 0.05 --throttle-rate 0.05`,
    )
    .action(lazy(() => import('./start.js')));

  sandbox
    .command('emit')
    .description('publish synthetic retail events in a running sandbox')
    .addOption(new Option('--count <n>', 'how many events (default: 10)'))
    .addOption(new Option('--rate <r>', 'events per second, N or N/s (default: all at once)'))
    .addOption(new Option('--events <glob>', "only these event names, e.g. 'order.*' or 'fulfillment_request.items_completed'"))
    .addOption(new Option('--unknown-product', 'orders contain a product the demo ERP does not know (the receiver rejects them)'))
    .addOption(new Option('--url <url>', 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'))
    .addHelpText(
      'after',
      `
Examples:
  $ nsx sandbox emit --count 100 --rate 20
  $ nsx sandbox emit --count 5 --events 'order.created' --unknown-product
  $ nsx sandbox emit --count 20 --json | jq -r '.[].name' | sort | uniq -c`,
    )
    .action(lazy(() => import('./emit.js')));

  sandbox
    .command('receiver')
    .description('run the demo webhook receiver on its own, printing each delivery (Ctrl-C stops it)')
    .addOption(new Option('--host <host>', 'address to listen on (default: 127.0.0.1)'))
    .addOption(new Option('--port <port>', 'port (default: 4546)'))
    .addOption(new Option('--rule <rule>', 'accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob> (default: accept-all)'))
    .addOption(new Option('--latency <ms>', 'answer after MS or MIN-MAX milliseconds'))
    .addHelpText(
      'after',
      `
Examples:
  $ nsx sandbox receiver --port 8080 --rule 'reject-events:order.cancelled'
  $ nsx sandbox receiver --rule fail-all --json      one JSON object per delivery on stdout`,
    )
    .action(lazy(() => import('./receiver.js')));

  sandbox
    .command('receiver-rule <rule>')
    .description("change the running sandbox's demo receiver rule")
    .addOption(new Option('--latency <ms>', 'answer after MS or MIN-MAX milliseconds (0 for none)'))
    .addOption(new Option('--url <url>', 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'))
    .addHelpText(
      'after',
      `
Rules: accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob>.

Examples:
  $ nsx sandbox receiver-rule fail-all                 break every integration (503 for everything)
  $ nsx sandbox receiver-rule accept-all               the fix is deployed: now recover`,
    )
    .action(lazy(() => import('./receiver-rule.js')));

  sandbox
    .command('reset')
    .description('forget everything in a running sandbox and seed a scenario again')
    .addOption(new Option('--scenario <name>', 'demo or empty (default: the one it started with)'))
    .addOption(new Option('--url <url>', 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'))
    .action(lazy(() => import('./reset.js')));
}
