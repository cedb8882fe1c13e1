// The sandbox the `nsx events` tests share: an empty tenant whose receiver rejects orders with an unknown
// product (400 with a JSON body), one live integration (`erp-live`) that has delivered a few events through
// the real delivery engine, and a seeded one (`bulk`, 2,500 attempts over the last hour, every 10th a 503)
// so that one day's window holds more than the answer cap (LIMITS.publishedEventsAnswerCap) and is read in slices.
import { afterAll, beforeAll } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { EVENTSTREAM, webhook } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/poll.js';
import { publicAttempt } from '../../../src/sandbox/state.js';

export let h: InProcessSandboxHarness;
export const LIVE = 'erp-live';
export const BULK = 'bulk';
export const BULK_COUNT = 2500;
export const PUBLISHED_PATH = '/api/v1/org/integrations/published-events';

export type Attempt = Record<string, any>;
/** Every attempt as the API answers it, newest first (the order nsx lists them in). */
export const attempts = (): Attempt[] => [...h.sandbox.core.state.published].sort((a, b) => b.at - a.at || b.seq - a.seq).map((p) => publicAttempt(p));
export const lines = (text: string) => text.split('\n').filter(Boolean);
/** The published-events requests a run sent, as URLSearchParams. */
export const publishedQueries = (requests: { path: string }[]) =>
  requests.filter((r) => r.path.startsWith(PUBLISHED_PATH)).map((r) => new URL(r.path, 'http://x').searchParams);

export function usePublishedSandbox(): void {
  beforeAll(async () => {
    h = await inProcessSandbox({ scenario: 'empty', duplicateProbability: 0, reorderProbability: 0, receiver: { rule: 'reject-unknown-products' } });
    await h.admin('POST', '/_sandbox/seed', { integration_id: BULK, published: BULK_COUNT, published_span_ms: 3_600_000, published_failure_rate: 0.1 });
    const token = await (await fetch(h.sandbox.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: h.sandbox.clientId, client_secret: h.sandbox.clientSecret }),
    }).then((r) => r.json() as Promise<{ access_token: string }>)).access_token;
    const reg = await fetch(`${h.sandbox.baseUrl}${EVENTSTREAM}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhook(LIVE, `${h.sandbox.receiverUrl}/erp`)),
    });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    await h.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'order.opened' }], unknown_product: true });
    await h.admin('POST', '/_sandbox/emit', { events: [{ name: 'order.created' }, { name: 'fulfillment_request.assigned' }], unknown_product: false });
    await waitFor(() => h.sandbox.core.state.published.filter((p) => p.integration_id === LIVE).length >= 4, 10_000, 'four live attempts');
  });
  afterAll(() => h.close());
}
