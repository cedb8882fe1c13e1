import { defineGroup } from '../define.js';
import { list } from './list.js';
import { prune } from './prune.js';
import { resume } from './resume.js';
import { show } from './show.js';

export const runs = defineGroup({
  name: 'runs',
  summary: 'the history of recover, triage and rejected retry/delete runs on this machine (their journals)',
  help: `Every recover, rejected triage and rejected retry/delete run writes a journal in the state dir
(runs/<run-id>.jsonl, NSX_STATE_DIR overrides the folder). These commands read only those files.
Status: running (a live process holds the run's lock: its pid is shown), finished, interrupted (ended
without a final line, or by Ctrl-C), failed (stopped on an error, refused by a gate, or an error).`,
  examples: ['nsx runs list', 'nsx runs list --integration erp-orders --status interrupted', 'nsx runs show 20261120T081502Z-3f9a', 'nsx runs resume 20261120T081502Z-3f9a'],
  verbs: [list, show, resume, prune],
});
