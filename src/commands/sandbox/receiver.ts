import { defineCommand, value } from '../define.js';

export const receiver = defineCommand({
  name: 'receiver',
  summary: 'run the demo webhook receiver on its own, printing each delivery (Ctrl-C stops it)',
  options: {
    host: value('--host <host>', 'address to listen on (default: 127.0.0.1)'),
    port: value('--port <port>', 'port (default: 4546)'),
    rule: value('--rule <rule>', 'accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob> (default: accept-all)'),
    latency: value('--latency <ms>', 'answer after MS or MIN-MAX milliseconds'),
  },
  examples: [
    "nsx sandbox receiver --port 8080 --rule 'reject-events:order.cancelled'",
    'nsx sandbox receiver --rule fail-all --json      one JSON object per delivery on stdout',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./receiver.run.js')).run(ctx, args, opts);
  },
});
