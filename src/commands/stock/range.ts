import { defineCommand } from '../define.js';

export const range = defineCommand({
  name: 'range',
  summary: 'the logical-timestamp range per fulfillment node an import should state, from captured events',
  args: ['<events-file>'],
  help: `Reads fulfillment_request.items_completed events as a receiver stores them (NDJSON webhook bodies, or
records holding one under "event" or "body", or a JSON array of them; "-" reads stdin). Duplicates (same
name + idempotency_key) count once; other events only mark their logical timestamps as seen.

Per node, and for all nodes together ("*"): FROM and TO (lowest and highest shipment), EVENTS, UNSEEN (timestamps
inside the range found in no captured event: possibly events still on their way, as delivery is unordered) and
GAP-FREE-TO (the highest shipment below the first unseen timestamp). A range with unseen timestamps may cover
a shipment your counts do not reflect yet: nsx warns, and --range FROM-GAP-FREE-TO is the careful choice.`,
  examples: [
    'nsx stock range /var/log/erp/fulfillment-events.ndjson',
    `nsx stock range events.ndjson --json | jq -r '.all | "\\(.from)-\\(.to)"'`,
    'nsx rejected list wms-fulfillment --output ndjson | nsx stock range -',
  ],
  async run(ctx, args): Promise<void> {
    await (await import('./range.run.js')).run(ctx, args);
  },
});
