import { defineCommand, flag } from '../define.js';
import { filterOptions, webhookOptions } from './destination-options.js';

export const update = defineCommand({
  name: 'update',
  summary: "change a webhook's callback URL or api key (rotate it), or the event filter",
  args: ['<id>'],
  options: {
    ...webhookOptions,
    ...filterOptions,
    yes: flag('-y, --yes', 'do not ask (required when there is no terminal, e.g. with --api-key-stdin)'),
  },
  help: `Only what you give changes (PATCH). The new api key is read from a file, stdin or an environment variable,
never from a flag value. --events / --entities replace the whole filter. nsx shows the change (keys
masked) and asks in a terminal; without one pass --yes, or nsx exits 3. Then it reads the integration back.

Rotating the api key without losing events:
  1. make the receiver accept both the old and the new key
  2. nsx integrations update ID --api-key-file NEW-KEY-FILE
  3. once deliveries with the new key arrive (nsx logs list ID --since 10m), drop the old key from the receiver`,
  examples: [
    'nsx integrations update erp-orders --api-key-file ~/.secrets/erp-key-2026',
    'printf %s "$NEW_ERP_KEY" | nsx integrations update erp-orders --api-key-stdin --yes',
    'nsx integrations update erp-orders --callback-url https://erp2.example.com/newstore --api-key-env ERP_KEY',
    'nsx integrations update wms-fulfillment --entities fulfillment_request --events order.cancelled --yes',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./update.run.js')).run(ctx, args, opts);
  },
});
