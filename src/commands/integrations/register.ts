import { defineCommand, value } from '../define.js';
import { destinationOptions } from './destination-options.js';

export const register = defineCommand({
  name: 'register',
  summary: 'register a webhook or S3 integration (it starts at once)',
  args: ['<id>'],
  options: {
    ...destinationOptions,
    startsAt: value('--starts-at <time>', 'deliver events from this time: ISO date/time or an age (7d = seven days ago)'),
    endsAt: value('--ends-at <time>', 'with --starts-at: a temporary integration that stops at this time: ISO or a span from now (2h)'),
  },
  help: `Ids: letters, digits, ".", "_" and "-", at most 64 characters. The callback URL must be https:// (http://
only for localhost). The api key is read from a file, stdin or an environment variable, never from a flag
value; the same holds for AWS keys. Before registering, nsx checks that the id is free and that fewer than
25 integrations exist (exit 7 otherwise).`,
  examples: [
    `nsx integrations register erp-orders --callback-url https://erp.example.com/newstore \\
      --api-key-file ~/.secrets/erp-key --events order.created,order.cancelled`,
    `printf %s "$ERP_KEY" | nsx integrations register wms --callback-url https://wms.example.com/hook \\
      --api-key-stdin --entities fulfillment_request`,
    `nsx integrations register archive --s3-bucket acme-events --s3-prefix newstore/ --s3-region eu-central-1 \\
      --aws-credentials-env`,
    `nsx integrations register erp-test --callback-url https://erp-test.example.com/hook --api-key-env ERP_TEST_KEY \\
      --starts-at 2h --ends-at 1d`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./register.run.js')).run(ctx, args, opts);
  },
});
