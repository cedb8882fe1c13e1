// How a log entry shows: the list columns (tables, tsv) and the one-line form `logs tail` prints.
import type { LogEntry } from '../../api/schemas.js';
import type { Column, Output } from '../../output/output.js';

export const LOG_COLUMNS: Column<LogEntry>[] = [
  { header: 'CREATED_AT', value: (e) => e.created_at },
  { header: 'LEVEL', value: (e) => e.level },
  { header: 'EVENT', value: (e) => e.event_name ?? '' },
  { header: 'STATUS', value: (e) => e.status_code ?? '' },
  { header: 'MESSAGE', value: (e) => e.message },
];

/** One entry as one line: tab-separated for tsv, aligned and coloured by level for people. */
export function logLine(output: Output, e: LogEntry): string {
  if (output.mode === 'tsv') return LOG_COLUMNS.map((c) => String(c.value(e) ?? '').replace(/[\t\n\r]/g, ' ')).join('\t');
  const paint = e.level === 'error' ? output.style.red : e.level === 'warning' ? output.style.yellow : output.style.dim;
  const event = e.event_name ? ` ${e.event_name}` : '';
  const status = e.status_code ? ` ${e.status_code}` : '';
  return `${output.style.dim(e.created_at)}  ${paint(e.level.padEnd(7))}${event}${status}  ${e.message.replace(/\s*\n\s*/g, ' ')}`;
}
