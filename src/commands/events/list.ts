import { defineCommand, LIST_OPTIONS, value } from '../define.js';
import { eventsSelectionOptions, eventsWindowOptions, SLICING_HELP } from './options.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list delivery attempts, newest first (streamed)',
  options: {
    ...LIST_OPTIONS,
    ...eventsSelectionOptions,
    ...eventsWindowOptions,
    limit: value('--limit <n>', 'stop after N matching attempts'),
  },
  help: `Every filter given must hold. --integration, --event, --entity-id and --entity-type with one plain
value, and --status, are sent to the API; globs, several values and --status-code are applied by nsx.
A table on a terminal (the receiver's answer cut to fit), tab-separated when piped; --output json or
ndjson print each attempt whole, as NewStore answered it.

${SLICING_HELP}`,
  examples: [
    'nsx events list --since 1h',
    'nsx events list --integration erp-orders --status failure --limit 20',
    'nsx events list --event "order.*" --entity-id "ord-10*" --since 2026-11-30 --until 2026-12-01',
    `nsx events list --status failure --json | jq -r '.[].response.status_code' | sort | uniq -c`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});
