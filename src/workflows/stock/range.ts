// `nsx stock range`: from the fulfillment events a receiver captured, the logical-timestamp range an import
// should state per fulfillment node [contract §4]: the shipments (fulfillment_request.items_completed) the
// ERP's on-hand count already reflects. Duplicates (same name + idempotency_key: delivery is at least once)
// count once; other event names only tell which timestamps were seen.
//
// Gaps: logical timestamps order all fulfillment events of the tenant, so a node's shipments are rarely
// consecutive. What matters is a timestamp inside the range that appears in NO captured event: an event
// not received yet (delivery is unordered, up to 15 minutes late). If it is a shipment the ERP has not
// counted, stating it in the range drops its allocation too early and ATP is overstated until the next
// import. So gaps are reported (count, the first few, and the highest `to` below the first gap), and the
// range itself stays min..max: the caller decides.
import { ProblemList } from './problems.js';
import { describeJson } from './availabilities.js';

export const COMPLETED_EVENT = 'fulfillment_request.items_completed';
/** Ranges wider than this are not walked for gaps (timestamps that sparse carry no gap information). */
const MAX_GAP_SPAN = 50_000_000;
const SHOWN_GAPS = 10;

export interface RangeRow {
  /** The node, or "*" for all nodes together. */
  fulfillment_node_id: string;
  from: number;
  to: number;
  /** Distinct items_completed events of the node. */
  events: number;
  /** Timestamps inside from..to seen in no captured event; null when the range is too sparse to check. */
  unseen: number | null;
  /** The first unseen timestamps. */
  unseen_first: number[];
  /** The highest shipment timestamp below the first unseen one: a range that ends there has no gap. */
  gap_free_to: number | null;
}

export interface RangeReport {
  nodes: RangeRow[];
  /** All nodes together (one import for every node states this), null without shipments. */
  all: RangeRow | null;
  lines: number;
  /** items_completed events counted (after removing duplicates). */
  completed: number;
  duplicates: number;
  /** Events of other names (they only mark timestamps as seen). */
  other_events: number;
}

const ALL_NODES = '*';

/** Reads NDJSON lines (webhook bodies, or records holding one under `event` or `body`). */
export class RangeCollector {
  private readonly problems = new ProblemList();
  private readonly seenKeys = new Set<string>();
  /** Every logical timestamp seen in any event. */
  private readonly seen = new Set<number>();
  private readonly shipments = new Map<string, number[]>();
  private lines = 0;
  private completed = 0;
  private duplicates = 0;
  private otherEvents = 0;

  /** One NDJSON line. */
  line(lineNo: number, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      this.lines++;
      this.problems.add(`line ${lineNo}: not valid JSON (${(error as Error).message})`);
      return;
    }
    this.record(`line ${lineNo}`, raw);
  }

  /** One captured record; `where` names it in problems ("line 4", "[3]"). */
  record(where: string, raw: unknown): void {
    this.lines++;
    const event = unwrap(raw);
    if (!event) {
      this.problems.add(`${where}: expected a webhook body with name and payload, got ${describeJson(raw)}`);
      return;
    }
    const payload = event.payload && typeof event.payload === 'object' ? (event.payload as Record<string, unknown>) : undefined;
    const lt = payload?.logical_timestamp;
    const timestamp = typeof lt === 'number' && Number.isSafeInteger(lt) && lt >= 0 ? lt : undefined;
    // Without an idempotency key, the same shipment is recognised by its payload id and timestamp.
    const key = `${event.name}\u0000${typeof event.idempotency_key === 'string' ? event.idempotency_key : `${String(payload?.id)}\u0000${String(lt)}`}`;
    if (this.seenKeys.has(key)) {
      this.duplicates++;
      return;
    }
    this.seenKeys.add(key);
    if (timestamp !== undefined) this.seen.add(timestamp);
    if (event.name !== COMPLETED_EVENT) {
      this.otherEvents++;
      return;
    }
    const node = payload?.fulfillment_location_id;
    if (typeof node !== 'string' || node === '') {
      this.problems.add(`${where}: ${COMPLETED_EVENT} without payload.fulfillment_location_id`);
      return;
    }
    if (timestamp === undefined) {
      this.problems.add(`${where}: payload.logical_timestamp must be a non-negative integer, got ${describeJson(lt)}`);
      return;
    }
    this.completed++;
    let list = this.shipments.get(node);
    if (!list) this.shipments.set(node, (list = []));
    list.push(timestamp);
  }

  /** The report; throws InvalidStockInputError (exit 2) when lines could not be used. */
  finish(source: string): RangeReport {
    this.problems.throwIfAny(source);
    const seen = Float64Array.from(this.seen).sort();
    const nodes = [...this.shipments]
      .map(([node, lts]) => rangeRow(node, lts, seen))
      .sort((a, b) => a.fulfillment_node_id.localeCompare(b.fulfillment_node_id));
    const every = [...this.shipments.values()].flat();
    return {
      nodes,
      all: every.length > 0 ? rangeRow(ALL_NODES, every, seen) : null,
      lines: this.lines,
      completed: this.completed,
      duplicates: this.duplicates,
      other_events: this.otherEvents,
    };
  }
}

function unwrap(raw: unknown): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.name === 'string') return r;
  for (const key of ['event', 'body']) {
    const inner = r[key];
    if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).name === 'string') return inner as Record<string, unknown>;
  }
  return undefined;
}

function rangeRow(node: string, timestamps: number[], seen: Float64Array): RangeRow {
  const lts = Float64Array.from(timestamps).sort();
  const from = lts[0]!;
  const to = lts[lts.length - 1]!;
  const row: RangeRow = { fulfillment_node_id: node, from, to, events: lts.length, unseen: null, unseen_first: [], gap_free_to: null };
  if (to - from > MAX_GAP_SPAN) return row;
  // Walk the seen timestamps inside from..to: every integer between two neighbours is unseen.
  let i = lowerBound(seen, from);
  let expected = from;
  let unseen = 0;
  let firstGap: number | undefined;
  for (; i < seen.length && seen[i]! <= to; i++) {
    const t = seen[i]!;
    if (t > expected) {
      unseen += t - expected;
      firstGap ??= expected;
      for (let g = expected; g < t && row.unseen_first.length < SHOWN_GAPS; g++) row.unseen_first.push(g);
    }
    expected = t + 1;
  }
  row.unseen = unseen;
  if (firstGap === undefined) row.gap_free_to = to;
  else {
    const below = lowerBound(lts, firstGap) - 1;
    row.gap_free_to = below >= 0 ? lts[below]! : null;
  }
  return row;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reads a capture file ("-" = stdin): NDJSON, or a JSON array of the same records. */
export async function readRanges(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<RangeReport> {
  const { createReadStream } = await import('node:fs');
  const { stat } = await import('node:fs/promises');
  const { StringDecoder } = await import('node:string_decoder');
  const { LineReader } = await import('./csv.js');
  const { UsageError } = await import('../../errors.js');
  let stream: NodeJS.ReadableStream = stdin;
  if (path === '-') {
    if ((stdin as { isTTY?: boolean }).isTTY) throw new UsageError('expected captured events on stdin, but stdin is a terminal (pipe them in, or name a file)');
  } else {
    const { unreadableFile } = await import('../../input/files.js');
    const info = await stat(path).catch((error: unknown) => {
      throw unreadableFile(error, path);
    });
    if (!info.isFile()) throw unreadableFile(Object.assign(new Error('not a file'), { code: 'EISDIR' }), path);
    stream = createReadStream(path);
  }
  const source = path === '-' ? 'stdin' : path;
  const collector = new RangeCollector();
  const decoder = new StringDecoder('utf8');
  // Until the first non-blank character says whether this is a JSON array, the text waits here.
  let held = '';
  let array: boolean | undefined;
  const lines = new LineReader((lineNo, line) => collector.line(lineNo, line));
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const part = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (array === undefined) {
      held += part;
      const start = held.trimStart();
      if (start === '') continue;
      array = start.startsWith('[');
      if (!array) {
        lines.push(held);
        held = '';
      }
    } else if (array) held += part;
    else lines.push(part);
  }
  if (array) {
    let records: unknown;
    try {
      records = JSON.parse(held + decoder.end());
    } catch (error) {
      throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
    }
    (records as unknown[]).forEach((record, i) => collector.record(`[${i}]`, record));
  } else {
    lines.push(decoder.end());
    lines.end();
  }
  return collector.finish(source);
}
