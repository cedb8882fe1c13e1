import { defineCommand, value } from '../define.js';
import { apiKeyOptions } from '../receiver/api-key.js';

export const receiver = defineCommand({
  name: 'receiver',
  summary: 'run the demo webhook receiver on its own, printing each delivery (Ctrl-C stops it)',
  options: {
    host: value('--host <host>', 'address to listen on (default: 127.0.0.1)'),
    port: value('--port <port>', 'port (default: 4546)'),
    rule: value('--rule <rule>', 'accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob>, or a fault (below) (default: accept-all)'),
    latency: value('--latency <ms>', 'answer after MS or MIN-MAX milliseconds'),
    ...apiKeyOptions,
  },
  help: `A correct receiver by default: deliveries must carry Authorization: Bearer <the api key> (401
otherwise); a body that is not an event gets 400; an event is processed once per name + idempotency key
(a duplicate is a 200); GET on a delivery path with ?name=E&idempotency_key=K answers {"processed": n}
(the --verify-url contract of nsx receiver check). Without an --api-key-* flag a random key is written
to an owner-only file whose path is printed.
Faults, one per check of nsx receiver check:
  reject-exchanges            1: 400 for an exchange order (is_exchange: true)
  dup-as-error                2: 409 for a duplicate
  same-key-other-name-dedup   3: dedupes on the key alone
  500-on-unknown-order        4: 500 for a cancellation of an order it has not seen created
  accept-unauthenticated      5: takes deliveries without the key or with a wrong one
  500-on-malformed            6: 500 for a body that is not an event
  slow, slow:<ms>             7: answers after 12 s (or MS), past the default delivery timeout
  double-process              8: answers a duplicate 200 but processes it again`,
  examples: [
    "nsx sandbox receiver --port 8080 --rule 'reject-events:order.cancelled'",
    'nsx sandbox receiver --rule fail-all --json      one JSON object per delivery on stdout',
    'nsx sandbox receiver --port 8080 --api-key-env K --rule dup-as-error',
    '  then: nsx receiver check http://127.0.0.1:8080/hook --api-key-env K --verify-url http://127.0.0.1:8080/hook',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./receiver.run.js')).run(ctx, args, opts);
  },
});
