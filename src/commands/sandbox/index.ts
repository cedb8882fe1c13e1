import { defineGroup } from '../define.js';
import { emit } from './emit.js';
import { receiverRule } from './receiver-rule.js';
import { receiver } from './receiver.js';
import { reset } from './reset.js';
import { start } from './start.js';

export const sandbox = defineGroup({
  name: 'sandbox',
  summary: 'a local NewStore to rehearse on: event stream and import APIs, webhook delivery, a demo receiver',
  help: `The sandbox serves the NewStore API on loopback, delivers synthetic retail events to a demo receiver
and keeps its state in a file. Admin endpoints live under /_sandbox/ (see src/sandbox/README.md).`,
  examples: [
    'nsx sandbox start                          demo scenario on http://127.0.0.1:4545, profile "sandbox"',
    'export NSX_PROFILE=sandbox && nsx integrations list',
    'nsx sandbox receiver-rule accept-all       "deploy the fix", then: nsx recover erp-orders',
    "nsx sandbox emit --count 50 --events 'order.*'",
  ],
  verbs: [start, emit, receiver, receiverRule, reset],
});
