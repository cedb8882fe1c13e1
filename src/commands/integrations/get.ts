import { defineCommand, flag } from '../define.js';

export const get = defineCommand({
  name: 'get',
  summary: 'show one integration (api_key and aws_secret_access_key masked)',
  args: ['<id>'],
  options: {
    showSecrets: flag('--show-secrets', 'print api_key and aws_secret_access_key as stored (also in --json)'),
  },
  examples: [
    'nsx integrations get erp-orders',
    'nsx integrations get erp-orders --json | jq .status',
    'nsx integrations get erp-orders --show-secrets --json | jq -r .callback_parameters.api_key',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./get.run.js')).run(ctx, args, opts);
  },
});
