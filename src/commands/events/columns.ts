// How a published-events attempt shows: the list columns (tables, tsv) and the one-line form `events tail`
// prints. json and ndjson print the attempt whole, as NewStore answered it.
import { publishedEventStatus, type PublishedEvent } from '../../api/schemas.js';
import type { Column, Output } from '../../output/output.js';

/** The receiver's answer to a failed attempt: "503 upstream ERP unavailable" (a JSON body as JSON text). */
export function receiverAnswer(e: PublishedEvent): string {
  if (!e.response) return '';
  const body = e.response.body;
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return [e.response.status_code ?? '', text].filter((x) => x !== '').join(' ');
}

const entity = (e: PublishedEvent): string => [e.domain_entity_type, e.domain_entity_id].filter(Boolean).join(' ');
const statusText = (e: PublishedEvent): string => (typeof e.status === 'string' ? e.status : e.status === undefined || e.status === null ? '' : JSON.stringify(e.status));

/** The answer is cut to this width in tables (whole in tsv and json). */
const ANSWER_WIDTH = 60;

export function attemptColumns(output: Output): Column<PublishedEvent>[] {
  const paint = (e: PublishedEvent): string => {
    const s = statusText(e);
    return publishedEventStatus(e) === 'failure' ? output.style.red(s) : s;
  };
  return [
    { header: 'ATTEMPTED_AT', value: (e) => e.attempted_at },
    { header: 'INTEGRATION', value: (e) => e.integration_id },
    { header: 'EVENT', value: (e) => e.event_name },
    { header: 'ENTITY', value: entity },
    { header: 'STATUS', value: output.mode === 'table' ? paint : statusText },
    { header: 'MS', value: (e) => e.response_time_ms },
    { header: 'RETRIES_LEFT', value: (e) => e.retries_remaining },
    { header: 'RESPONSE', value: receiverAnswer, maxWidth: ANSWER_WIDTH },
  ];
}

/** One attempt as one line: tab-separated for tsv, aligned and coloured for people (the answer cut to fit). */
export function attemptLine(output: Output, e: PublishedEvent): string {
  if (output.mode === 'tsv') return attemptColumns(output).map((c) => String(c.value(e) ?? '').replace(/[\t\n\r]/g, ' ')).join('\t');
  const failed = publishedEventStatus(e) === 'failure';
  const status = statusText(e).padEnd(7);
  const answer = receiverAnswer(e).replace(/\s*\n\s*/g, ' ');
  const cut = answer.length > ANSWER_WIDTH ? `${answer.slice(0, ANSWER_WIDTH - 1)}…` : answer;
  const ms = e.response_time_ms === undefined || e.response_time_ms === null ? '' : `${e.response_time_ms}ms`;
  return [
    output.style.dim(e.attempted_at ?? ''),
    failed ? output.style.red(status) : output.style.green(status),
    e.integration_id ?? '',
    e.event_name ?? '',
    entity(e),
    ms,
    e.retries_remaining === undefined || e.retries_remaining === null ? '' : `retries left ${e.retries_remaining}`,
    cut,
  ]
    .filter((x) => x !== '')
    .join('  ');
}
