import { defineCommand, flag, value } from '../define.js';
import { rejectedFilterOptions } from '../filter-options.js';

export const exportEvents = defineCommand({
  name: 'export',
  summary: 'write the rejected events (the filters apply) as NDJSON, to stdout or a file',
  args: ['<id>'],
  options: {
    ...rejectedFilterOptions,
    file: value('--file <path>', 'write to this file (mode 0600, written atomically) instead of stdout'),
    force: flag('--force', 'replace the file if it exists'),
  },
  help: `Always NDJSON (one whole rejected event per line), whatever --output says. Payloads are customer data:
the file is created owner-only.`,
  examples: [
    'nsx rejected export erp-orders > rejected.ndjson',
    'nsx rejected export erp-orders --file rejected.ndjson --force',
    'nsx rejected export erp-orders --event "order.*" | jq -c .event.payload',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./export.run.js')).run(ctx, args, opts);
  },
});
