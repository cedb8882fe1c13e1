// What the rejected verbs share: the list columns, the short form of the receiver's answer, and reading
// the filter flags. The filter logic itself is src/workflows/filters.ts.
import type { RejectedEvent, ReceiverResponse } from '../../api/schemas.js';
import type { Column } from '../../output/output.js';
import { entityKey, filterFromFlags, type EventFilter, type FilterFlagValues } from '../../workflows/filters.js';

/** The receiver's answer in one line: its message/error/detail field if it has one, else the body as JSON. */
export function receiverSummary(response: ReceiverResponse | null | undefined): string {
  if (!response) return '';
  const body = response.body;
  if (body === undefined || body === null || body === '') return '';
  if (typeof body === 'string') return oneLine(body);
  if (typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of ['message', 'detail', 'error_description', 'title', 'error']) {
      if (typeof b[key] === 'string' && b[key]) return oneLine(b[key]);
    }
  }
  return oneLine(JSON.stringify(body));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export const REJECTED_COLUMNS: Column<RejectedEvent>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'REJECTED_AT', value: (e) => e.rejected_at },
  { header: 'EVENT', value: (e) => e.event.name },
  { header: 'ENTITY', value: (e) => entityKey(e) },
  { header: 'STATUS', value: (e) => e.response?.status_code ?? '' },
  { header: 'ATTEMPTS', value: (e) => e.attempts ?? '' },
  { header: 'ANSWER', value: (e) => receiverSummary(e.response), maxWidth: 60 },
];

/** The filter flags of a rejected verb; a bad value is a UsageError (exit 2) before any request. */
export function rejectedFilter(opts: FilterFlagValues): EventFilter {
  return filterFromFlags({
    event: opts.event,
    since: opts.since,
    until: opts.until,
    entityId: opts.entityId,
    statusCode: opts.statusCode,
    match: opts.match,
  });
}
