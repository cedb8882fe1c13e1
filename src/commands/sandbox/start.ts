import { defineCommand, flag, list, value } from '../define.js';

export const start = defineCommand({
  name: 'start',
  summary: 'run the sandbox in the foreground (Ctrl-C stops it and saves its state)',
  options: {
    host: value('--host <host>', 'address to listen on (default: 127.0.0.1)'),
    port: value('--port <port>', 'port of the API (default: 4545; 0 = any free port)'),
    state: value('--state <file>', 'state file (default: sandbox.json in the nsx state dir)'),
    noState: flag('--no-state', 'keep the state in memory only'),
    scenario: value('--scenario <name>', 'data to start with when there is no state: demo or empty (default: demo)'),
    reset: flag('--reset', 'ignore the saved state and start the scenario anew'),
    timeScale: value('--time-scale <n>', 'divide every time constant by N (10 failed deliveries take ~20 min at 1; default 1)'),
    latency: value('--latency <ms>', 'add latency to every API answer: MS or MIN-MAX'),
    errorRate: value('--error-rate <p>', 'share of API calls answered 5xx (0..1)'),
    throttleRate: value('--throttle-rate <p>', 'share of API calls answered 429 with Retry-After (0..1)'),
    resetRate: value('--reset-rate <p>', 'share of API calls whose connection is dropped (0..1)'),
    rateLimit: list('--rate-limit <[route=]n/s>', 'token-bucket limit answering 429 with Retry-After when empty: N/s for all API calls together, ROUTE=N/s for one route (repeatable)'),
    rejectedLimit: value('--rejected-limit <n>', 'rejected events an integration stores before it stops (default: 100)'),
    tokenTtl: value('--token-ttl <seconds>', 'lifetime of access tokens (default: 300)'),
    receiverPort: value('--receiver-port <port>', 'port of the demo receiver (default: API port + 1)'),
    receiverRule: value('--receiver-rule <rule>', "rule of the demo receiver (default: the scenario's; demo: reject-unknown-products)"),
    noReceiver: flag('--no-receiver', 'do not start the demo receiver'),
    noProfile: flag('--no-profile', 'do not create or update the "sandbox" profile'),
  },
  help: `On start it prints the base URL, token URL, client id and secret, and writes them to the "sandbox" profile
(nsx config), so that NSX_PROFILE=sandbox (or --profile sandbox) points every command at it.

--rate-limit models a tenant's request quota: a token bucket of N requests a second (holding a tenth of a
second's worth, at least 1), checked after --latency; an empty bucket answers 429 with Retry-After (whole
seconds until a token is there, at least 1). N/s is one bucket for every API call (the token call too);
ROUTE=N/s (ROUTE one of the fault route names, e.g. retryRejectedEvent, listRejectedEvents, token) is a
bucket of that route alone. Both apply when both are given.`,
  examples: [
    'nsx sandbox start',
    'nsx sandbox start --reset --time-scale 60          failures stop an integration in ~20 s',
    'nsx sandbox start --port 0 --no-state --scenario empty',
    'nsx sandbox start --latency 50-300 --error-rate 0.05 --throttle-rate 0.05',
    'nsx sandbox start --latency 20 --rate-limit 100/s --rate-limit retryRejectedEvent=50/s',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./start.run.js')).run(ctx, args, opts);
  },
});
