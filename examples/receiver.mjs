#!/usr/bin/env node
// A NewStore webhook receiver that follows the delivery rules (Node standard library only):
//   - only deliveries with "Authorization: Bearer <your api key>" are taken (401 otherwise);
//   - 2xx for every event taken, 400 only for a body that can never be an event (NewStore stores it as
//     rejected; any other answer is retried for ~20 minutes, then the integration stops);
//   - delivery is at-least-once and unordered: an event is processed once per event name + idempotency
//     key, and a duplicate is a log line and a 200, not an error; a cancellation may come first;
//   - GET /processed?name=&idempotency_key= answers {"processed": n}, for `nsx receiver check --verify-url`.
// Run: RECEIVER_API_KEY=... PORT=8080 node examples/receiver.mjs
// Check: nsx receiver check http://127.0.0.1:8080/newstore --api-key-env RECEIVER_API_KEY \
//          --verify-url http://127.0.0.1:8080/processed
import { createServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** apply(event) does the work; it throws to have NewStore deliver the event again later (answer 500). */
export function createReceiver({ apiKey, apply = () => {}, log = console.log }) {
  const expected = Buffer.from(`Bearer ${apiKey}`);
  // Processed events by name + idempotency key. In production: a table with a unique index on both,
  // written in the same transaction as the event's effect.
  const processed = new Map();
  const keyOf = (name, key) => JSON.stringify([name, key]);
  const answer = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const authorized = (header = '') => {
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return createServer(async (req, res) => {
    if (!authorized(req.headers.authorization)) return answer(res, 401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET' && url.pathname === '/processed') {
      return answer(res, 200, { processed: processed.get(keyOf(url.searchParams.get('name'), url.searchParams.get('idempotency_key'))) ?? 0 });
    }
    if (req.method !== 'POST') return answer(res, 405, { error: 'method_not_allowed' });
    let text = '';
    for await (const chunk of req) text += chunk;
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      return answer(res, 400, { error: 'not_json' });
    }
    const { name, idempotency_key: key, payload } = event ?? {};
    if (typeof name !== 'string' || typeof key !== 'string' || !payload || typeof payload !== 'object') {
      return answer(res, 400, { error: 'not_an_event', message: 'name, idempotency_key and payload are required' });
    }
    const id = keyOf(name, key);
    if (processed.has(id)) {
      log(`duplicate ${name} ${key}: already processed`);
      return answer(res, 200, { ok: true, duplicate: true });
    }
    try {
      await apply(event); // an order.cancelled may arrive before its order.created: park it, do not fail
    } catch (error) {
      log(`${name} ${key} failed: ${error.message}`);
      return answer(res, 500, { error: 'temporary_failure' }); // not marked: the redelivery processes it
    }
    processed.set(id, (processed.get(id) ?? 0) + 1);
    return answer(res, 200, { ok: true });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const apiKey = process.env.RECEIVER_API_KEY;
  if (!apiKey) {
    console.error('set RECEIVER_API_KEY to the api key registered with the integration');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8080);
  const server = createReceiver({ apiKey }).listen(port, '127.0.0.1', () => console.log(`receiver on http://127.0.0.1:${server.address().port}/`));
}
