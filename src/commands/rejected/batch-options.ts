// The options of `rejected retry` and `rejected delete`: the filters, --all, --dry-run and --yes.
import { flag } from '../define.js';
import { rejectedFilterOptions } from '../filter-options.js';

export function batchOptions(verb: 'retry' | 'delete') {
  return {
    ...rejectedFilterOptions,
    all: flag('--all', `${verb} every rejected event (that the filters keep); not with event ids`),
    dryRun: flag('--dry-run', `list what would be ${verb === 'retry' ? 'retried' : 'deleted'} and send nothing`),
    yes: flag('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  };
}
