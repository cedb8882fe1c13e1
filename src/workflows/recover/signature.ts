// Groups rejected events by what went wrong (triage): the event name, the receiver's status and its answer
// with ids and numbers masked, so that "product 10000999 is not in the ERP catalogue" and "product 10000123
// is not in the ERP catalogue" land in one group.
import type { RejectedEvent } from '../../api/schemas.js';

const MAX_ANSWER = 160;

/** The receiver's answer as one line of text (message-like fields first when it is JSON). */
export function answerText(body: unknown): string {
  if (body === undefined || body === null || body === '') return '(no answer body)';
  if (typeof body === 'string') return body.replace(/\s+/g, ' ').trim();
  if (typeof body === 'object' && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    const parts = ['error', 'code', 'title', 'message', 'detail', 'reason'].map((k) => o[k]).filter((v) => typeof v === 'string');
    if (parts.length) return (parts as string[]).join(': ');
  }
  return JSON.stringify(body);
}

/** Ids, uuids, hex strings and numbers (and words that carry digits, like ord-1234) become "#". */
export function maskAnswer(text: string): string {
  return text
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '#')
    .replace(/\b[0-9a-f]{12,}\b/gi, '#')
    .replace(/[A-Za-z0-9_.:-]*\d[A-Za-z0-9_.:-]*/g, '#')
    .replace(/#(?:[\s,]*#)+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Signature {
  key: string;
  name: string;
  status: number | null;
  answer: string;
}

export function signatureOf(event: RejectedEvent): Signature {
  const status = event.response?.status_code ?? null;
  let answer = maskAnswer(answerText(event.response?.body));
  if (answer.length > MAX_ANSWER) answer = `${answer.slice(0, MAX_ANSWER - 1)}…`;
  return { key: `${event.event.name}\u0000${status ?? '-'}\u0000${answer}`, name: event.event.name, status, answer };
}

export interface SignatureGroup {
  signature: Signature;
  /** In plan order (oldest first). */
  events: RejectedEvent[];
}

/** Groups, largest first; ties by the group's oldest event, so the order is stable. */
export function groupBySignature(events: readonly RejectedEvent[]): SignatureGroup[] {
  const groups = new Map<string, SignatureGroup>();
  for (const ev of events) {
    const signature = signatureOf(ev);
    let group = groups.get(signature.key);
    if (!group) groups.set(signature.key, (group = { signature, events: [] }));
    group.events.push(ev);
  }
  const firstIndex = new Map<SignatureGroup, number>();
  [...groups.values()].forEach((g, i) => firstIndex.set(g, i));
  return [...groups.values()].sort((a, b) => b.events.length - a.events.length || firstIndex.get(a)! - firstIndex.get(b)!);
}
