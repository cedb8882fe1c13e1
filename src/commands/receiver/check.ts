import { defineCommand, flag, value } from '../define.js';
import { apiKeyOptions } from './api-key.js';

export const check = defineCommand({
  name: 'check',
  summary: "grade a webhook receiver against NewStore's delivery rules with synthetic events",
  args: ['<url>'],
  options: {
    ...apiKeyOptions,
    events: value('--events <glob>', 'only events the receiver is meant for, e.g. "order.*,return.*" (default: all)'),
    count: value('--count <n>', 'deliveries of the latency check (default: 20)'),
    concurrency: value('--concurrency <n>', 'latency deliveries in flight at once (default: 1, as NewStore delivers one integration serially)'),
    verifyUrl: value('--verify-url <url>', "the receiver's read endpoint: GET URL?name=&idempotency_key= -> {\"processed\": n}"),
    strict: flag('--strict', 'exit 6 on a WARN too'),
  },
  help: `Sends NewStore-shaped deliveries (body: tenant, name, published_at, idempotency_key,
payload; header: Authorization: Bearer <api key>), made by the sandbox's event generator, to
URL and grades the answers: one line per check, PASS, WARN or FAIL with the evidence (SKIP
when a check cannot apply).
  1 accepts valid events   an event of each family --events allows: orders (one an
                           exchange), fulfillment requests (logical timestamps), payments
                           (cash-rounded and not), returns, the others: 2xx
  2 duplicate is 2xx       same name, key and body twice: 2xx, never 4xx/5xx
  3 same key, other name   the key under another name is another event: 2xx, no duplicate
  4 out-of-order           order.cancelled / order.items_cancelled before order.created:
                           not 5xx or a timeout (they stop the stream); 400 is a WARN
  5 unauthenticated        no Authorization header, a wrong key: 401/403; 2xx is a FAIL
  6 non-event              malformed JSON, a body without "name": 400, not 5xx
  7 latency                p50/p95/max of --count deliveries at --concurrency (NewStore
                           delivers an integration's events one at a time) against the
                           global --timeout (default 10s, the sandbox's delivery timeout);
                           a timeout is a FAIL, p95 above half of it a WARN
  8 processed once         with --verify-url: each event processed once, the duplicate
                           once, the refused ones never; SKIP without it
--verify-url contract: GET URL?name=EVENT&idempotency_key=KEY with the same Authorization
answers 200 {"processed": N}, the times the receiver processed that event.
Safe: nothing but synthetic events, at most --count + 23 deliveries (checks 1-6 send 11, 2,
2, 4, 2, 2 at most) and 16 verify reads; https:// anywhere, http:// to loopback only. The
bodies' tenant is --tenant (default "sandbox"). Exit 0 when no check failed, 6 when one did
(or warned, with --strict), 2 for bad input (nothing sent). Rehearse on the sandbox's
receiver and its fault rules (nsx sandbox receiver --help).`,
  examples: [
    'nsx receiver check https://erp.example.com/newstore --api-key-env ERP_API_KEY',
    "nsx receiver check http://127.0.0.1:8080/hook --api-key-file key.txt --events 'order.*' --count 50 --concurrency 4",
    'nsx receiver check http://127.0.0.1:8080/hook --api-key-env K --verify-url http://127.0.0.1:8080/hook --strict --json',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./check.run.js')).run(ctx, args, opts);
  },
});
