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
  help: `Sends NewStore-shaped deliveries (body tenant, name, published_at, idempotency_key, payload;
Authorization: Bearer <api key>) made by the sandbox's event generator to URL, and grades the answers,
one line per check, PASS/WARN/FAIL (SKIP when a check cannot apply) with the evidence:
  1 accepts valid events     one event of each family --events allows: orders (one an exchange),
                             fulfillment requests (logical timestamps), payments (cash-rounded and not),
                             returns, and the other families: 2xx
  2 duplicate is 2xx         same name, key and body sent twice: 2xx, never 4xx/5xx
  3 same key, other name     another event name with the same key is another event: 2xx, not a duplicate
  4 out-of-order delivery    order.cancelled / order.items_cancelled before order.created: not 5xx or a
                             timeout (those stop the stream); 400 is a WARN
  5 refuses unauthenticated  no Authorization header and a wrong key: 401/403; taking them is a FAIL
  6 400 for a non-event      malformed JSON and a body without "name": 400, not 5xx
  7 latency                  p50/p95/max over --count deliveries at --concurrency against the timeout
                             (global --timeout, default 10s: the sandbox's delivery timeout); WARN above half
  8 processed once           with --verify-url: each event processed once, the duplicate once, the
                             refused ones never (GET URL?name=E&idempotency_key=K, same Authorization,
                             must answer 200 {"processed": n}); SKIP without it
Sends nothing but synthetic events, at most --count + 23 deliveries (11 + 2 + 2 + 4 + 2 + 2 for checks 1-6)
and 16 verify reads. https:// anywhere, http:// only to loopback. Exit 0 when nothing failed, 6 when a
check FAILs (or WARNs, with --strict), 2 for bad input (nothing sent). The tenant in the bodies is
--tenant, default "sandbox". Try it on the sandbox's receiver and its fault rules:
nsx sandbox receiver --port 8080 --rule dup-as-error.`,
  examples: [
    'nsx receiver check https://erp.example.com/newstore --api-key-env ERP_API_KEY',
    "nsx receiver check http://127.0.0.1:8080/hook --api-key-file key.txt --events 'order.*' --count 50 --concurrency 4",
    'nsx receiver check http://127.0.0.1:8080/hook --api-key-env K --verify-url http://127.0.0.1:8080/hook --strict --json',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./check.run.js')).run(ctx, args, opts);
  },
});
