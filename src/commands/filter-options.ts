// The shared filter options, with the same names and help everywhere, spread into each verb's options
// (rejected list/retry/delete/export, logs list/tail). The logic is in src/workflows/filters.ts.
import { list, value } from './define.js';

export const rejectedFilterOptions = {
  event: list('--event <glob>', 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'),
  since: value('--since <time>', 'rejected at or after: ISO date/time or an age such as 2h, 7d'),
  until: value('--until <time>', 'rejected at or before: ISO date/time or an age'),
  entityId: list('--entity-id <id>', "the payload's id or order_id (repeatable, glob)"),
  statusCode: list('--status-code <code>', "the receiver's answer: 400, 4xx, 503 (repeatable)"),
  match: list('--match <path=value>', 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)'),
};

export const logFilterOptions = {
  since: value('--since <time>', 'created at or after: ISO date/time or an age such as 2h, 7d'),
  until: value('--until <time>', 'created at or before: ISO date/time or an age'),
  level: list('--level <level>', 'info, warning or error (repeatable)'),
  event: list('--event <glob>', 'event name glob (repeatable)'),
  statusCode: list('--status-code <code>', 'status code of the delivery: 400, 5xx (repeatable)'),
  grep: value('--grep <text>', 'message contains this text (case-insensitive)'),
};

/** What the rejected filters mean together: help text of the verbs that take them. */
export const REJECTED_FILTER_HELP = `Filters: every filter given must hold; repeat a flag or separate values with commas for alternatives
(--event "order.created,order.opened"). The same flags mean the same in logs and recover.`;
