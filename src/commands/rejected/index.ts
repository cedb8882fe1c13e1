import { defineGroup } from '../define.js';
import { deleteEvents } from './delete.js';
import { exportEvents } from './export.js';
import { list } from './list.js';
import { retry } from './retry.js';
import { show } from './show.js';
import { triage } from './triage.js';

export const rejected = defineGroup({
  name: 'rejected',
  summary: 'events the receiver answered 400: list, inspect, retry, delete, export',
  help: `Rejected events are listed oldest first. retry and delete act on explicit event ids or on --all, both
narrowed by the filters, oldest first, after a confirmation (--yes without a terminal).`,
  examples: [
    'nsx rejected list erp-orders --event "order.*" --since 24h',
    'nsx rejected list erp-orders --fail-if-any --quiet      exit 6 when anything is waiting (cron, CI)',
    'nsx rejected show erp-orders evt-00000169',
    'nsx rejected retry erp-orders --all --status-code 400 --dry-run',
    'nsx rejected delete erp-orders evt-00000169 evt-00000172 --yes',
    'nsx rejected export erp-orders --file rejected.ndjson',
  ],
  verbs: [list, show, retry, deleteEvents, exportEvents, triage],
});
