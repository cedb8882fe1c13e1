// The selection flags of `nsx events list/tail/stats`: the shared filter flags (the same names and meanings
// as on rejected and logs, src/commands/filter-options.ts) plus what only published events have.
import { list, value } from '../define.js';
import { rejectedFilterOptions } from '../filter-options.js';

export const eventsSelectionOptions = {
  integration: list('--integration <id>', 'integration id (repeatable, glob)'),
  event: rejectedFilterOptions.event,
  status: value('--status <status>', 'success or failure', { choices: ['success', 'failure'] as const }),
  entityId: list('--entity-id <id>', 'the domain entity: an order id, a fulfillment request id (repeatable, glob)'),
  entityType: list('--entity-type <type>', 'the domain entity type: order, fulfillment_request, ... (repeatable)'),
  statusCode: list('--status-code <code>', "the receiver's answer to a failed attempt: 503, 5xx (repeatable)"),
};

export const eventsWindowOptions = {
  since: value('--since <time>', 'attempted at or after: ISO date/time or an age such as 2h, 7d (default: 24h)'),
  until: value('--until <time>', 'attempted at or before: ISO date/time or an age (default: now)'),
};

/** How a wide window is read: help text of the verbs that read one. */
export const SLICING_HELP = `The published-events API documents no pagination. An answer of 1000 attempts or more is taken as
possibly cut short: nsx reads that window again as two halves, each split the same way, down to one
second, and streams the slices newest first (memory stays bounded). A one-second slice that is still
full is shown as it is, with a warning.`;
