import { defineCommand, flag, value } from '../define.js';
import { sandboxUrlOption } from './sandbox-url-option.js';

export const emit = defineCommand({
  name: 'emit',
  summary: 'publish synthetic retail events in a running sandbox',
  options: {
    count: value('--count <n>', 'how many events (default: 10)'),
    rate: value('--rate <r>', 'events per second, N or N/s (default: all at once)'),
    events: value('--events <glob>', "only these event names, e.g. 'order.*' or 'fulfillment_request.items_completed'"),
    unknownProduct: flag('--unknown-product', 'orders contain a product the demo ERP does not know (the receiver rejects them)'),
    ...sandboxUrlOption,
  },
  examples: [
    'nsx sandbox emit --count 100 --rate 20',
    "nsx sandbox emit --count 5 --events 'order.created' --unknown-product",
    "nsx sandbox emit --count 20 --json | jq -r '.[].name' | sort | uniq -c",
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./emit.run.js')).run(ctx, args, opts);
  },
});
