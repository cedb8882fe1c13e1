// The availability file of a stock import [contract §4, assumed shape]: validation of its rows, whatever
// format they came in, and the streaming writer of availabilities.json. Rows are checked one at a time and
// written as they pass, so a million-row input never sits in memory as objects. Plain CSV rows take a
// byte-level fast path (no strings per row); everything else goes through the string path, which is also
// the one that words the problems.
import type * as z from 'zod';
import type { LogicalTimestampRange as RangeSchema, StoreMappingEntry } from '../../api/schemas.js';
import { PairSet } from './pair-set.js';
import type { ProblemList } from './problems.js';

export const ITEM_FIELDS = ['product_id', 'fulfillment_node_id', 'quantity'] as const;
const ITEM_FIELD_SET: ReadonlySet<string> = new Set(ITEM_FIELDS);

export type LogicalTimestampRange = z.infer<typeof RangeSchema>;

export interface AvailabilityHead {
  store_mapping?: StoreMappingEntry[];
  logical_timestamp_range?: LogicalTimestampRange;
}

/** How problems name a row: CSV/NDJSON by line number, a JSON document by path (items[3].quantity). */
export type RowLocator = 'line' | 'path';

interface NodeTally {
  id: string;
  /** Its number in the duplicate finder's keys. */
  index: number;
  /** What follows an item's product id in the output, up to its quantity: `","fulfillment_node_id":"DC01","quantity":`. */
  json: Buffer;
  items: number;
}

/** Counts and checks every row; hands valid rows to the writer while no problem has been found. */
export class AvailabilityValidator {
  private readonly pairs: PairSet;
  private readonly nodeTallies = new Map<string, NodeTally>();
  /** Plain rows find their node by a hash of its bytes, without making a string per row. */
  private readonly nodesByHash = new Map<number, NodeTally>();
  /** Rows often come grouped by node: the last one is tried first. */
  private lastNode: NodeTally | undefined;
  items = 0;

  constructor(
    private readonly problems: ProblemList,
    private readonly locator: RowLocator,
    private readonly knownNodes: ReadonlySet<string> | undefined,
    private readonly writer: AvailabilitiesJsonWriter,
    /** About how many rows will come, when known (sizes the duplicate finder). */
    expectedRows?: number,
  ) {
    this.pairs = new PairSet(expectedRows);
  }

  /**
   * A plain CSV row as byte ranges (ASCII, no quotes or control characters). Answers false when the row
   * needs the string path: anything to report, or an id with spaces at its ends.
   */
  plainRow(ref: number, buf: Buffer, pStart: number, pEnd: number, nStart: number, nEnd: number, qStart: number, qEnd: number): boolean {
    if (pEnd <= pStart || nEnd <= nStart || qEnd <= qStart || qEnd - qStart > 15) return false;
    if (buf[pStart] === 32 || buf[pEnd - 1] === 32 || buf[nStart] === 32 || buf[nEnd - 1] === 32) return false;
    let quantity = 0;
    for (let i = qStart; i < qEnd; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return false;
      quantity = quantity * 10 + d;
    }
    const node = this.nodeOfBytes(buf, nStart, nEnd);
    if (node === undefined) return false;
    if (this.pairs.addBytes(buf, pStart, pEnd, node.index, ref) >= 0) return false; // the string path words it
    this.items++;
    node.items++;
    if (this.problems.total === 0) this.writer.asciiItem(buf, pStart, pEnd, node.json, quantity);
    return true;
  }

  /** A CSV row as strings, the quantity still text. */
  textRow(ref: number, productId: string, nodeId: string, quantityText: string): void {
    let quantity = -1;
    if (quantityText.length === 0) this.fieldProblem(ref, 'quantity', 'is missing');
    else if (!/^\d+$/.test(quantityText) || !Number.isSafeInteger((quantity = Number(quantityText)))) {
      quantity = -1;
      this.fieldProblem(ref, 'quantity', `must be a non-negative integer, got ${JSON.stringify(quantityText)}`);
    }
    this.check(ref, productId, nodeId, quantity);
  }

  /** A JSON object (a line of NDJSON or an element of items[]). */
  objectRow(ref: number, row: unknown): void {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      this.unreadable(ref, `expected an object with ${ITEM_FIELDS.join(', ')}, got ${describeJson(row)}`);
      return;
    }
    const r = row as Record<string, unknown>;
    for (const key in r) if (!ITEM_FIELD_SET.has(key)) this.rowProblem(ref, `unknown field ${JSON.stringify(key)} (expected ${ITEM_FIELDS.join(', ')})`);
    const q = r.quantity;
    let quantity = -1;
    if (q === undefined || q === null) this.fieldProblem(ref, 'quantity', 'is missing');
    else if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 0) {
      this.fieldProblem(ref, 'quantity', `must be a non-negative integer, got ${describeJson(q)}`);
    } else quantity = q;
    this.check(ref, r.product_id, r.fulfillment_node_id, quantity);
  }

  /** A row whose fields could not even be read (wrong field count, bad JSON). */
  unreadable(ref: number, message: string): void {
    this.items++;
    this.rowProblem(ref, message);
  }

  /** Items per fulfillment node, by node id. */
  nodes(): { fulfillment_node_id: string; items: number }[] {
    return [...this.nodeTallies.values()]
      .filter((n) => n.items > 0)
      .map((n) => ({ fulfillment_node_id: n.id, items: n.items }))
      .sort((a, b) => a.fulfillment_node_id.localeCompare(b.fulfillment_node_id));
  }

  private check(ref: number, productId: unknown, nodeId: unknown, quantity: number): void {
    this.items++;
    const product = this.id(ref, 'product_id', productId);
    const nodeIdText = this.id(ref, 'fulfillment_node_id', nodeId);
    if (product === undefined || nodeIdText === undefined) return;
    if (this.knownNodes && !this.knownNodes.has(nodeIdText)) {
      this.fieldProblem(ref, 'fulfillment_node_id', `${JSON.stringify(nodeIdText)} is not in the store mapping`);
    }
    const node = this.tally(nodeIdText);
    const first = this.pairs.add(product, node.index, ref);
    if (first >= 0) {
      const where = this.locator === 'line' ? `line ${first}` : `items[${first}]`;
      this.rowProblem(ref, `product ${JSON.stringify(product)} at node ${JSON.stringify(nodeIdText)} is listed twice (first at ${where})`);
      return;
    }
    node.items++;
    if (quantity >= 0 && this.problems.empty) this.writer.item(product, node.id, quantity);
  }

  /** The node of a plain row, undefined when it is not in the store mapping (the string path reports it). */
  private nodeOfBytes(buf: Buffer, start: number, end: number): NodeTally | undefined {
    const last = this.lastNode;
    if (last !== undefined && sameAscii(last.id, buf, start, end)) return last;
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const known = this.nodesByHash.get(hash);
    if (known !== undefined && sameAscii(known.id, buf, start, end)) return (this.lastNode = known);
    const id = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'); // ASCII here
    if (this.knownNodes && !this.knownNodes.has(id)) return undefined;
    const node = this.tally(id);
    if (known === undefined) this.nodesByHash.set(hash, node);
    return (this.lastNode = node);
  }

  private tally(id: string): NodeTally {
    let node = this.nodeTallies.get(id);
    if (node === undefined) {
      // A copy of the id: it may be a slice of a 1 MB input chunk, which a long-lived key would keep alive.
      const own = Buffer.from(id).toString();
      node = { id: own, index: this.nodeTallies.size, json: Buffer.from(`","fulfillment_node_id":${JSON.stringify(own)},"quantity":`), items: 0 };
      this.nodeTallies.set(own, node);
    }
    return node;
  }

  private id(ref: number, field: string, value: unknown): string | undefined {
    if (typeof value === 'string' && value.length > 0 && value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32) return value;
    if (value === undefined || value === null) this.fieldProblem(ref, field, 'is missing');
    else if (typeof value !== 'string') this.fieldProblem(ref, field, `must be a string, got ${describeJson(value)}`);
    else if (value.trim() === '') this.fieldProblem(ref, field, 'is empty');
    else if (value.trim() !== value) this.fieldProblem(ref, field, `has leading or trailing spaces: ${JSON.stringify(value)}`);
    else return value;
    return undefined;
  }

  private fieldProblem(ref: number, field: string, text: string): void {
    this.problems.add(this.locator === 'line' ? `line ${ref}: ${field} ${text}` : `items[${ref}].${field} ${text}`);
  }

  private rowProblem(ref: number, text: string): void {
    this.problems.add(this.locator === 'line' ? `line ${ref}: ${text}` : `items[${ref}]: ${text}`);
  }
}

function sameAscii(text: string, buf: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const OUT_BYTES = 1 << 20;
const FIRST_ITEM = Buffer.from('\n{"product_id":"');
const NEXT_ITEM = Buffer.from(',\n{"product_id":"');
const ROOM_BESIDES_IDS = NEXT_ITEM.length + 20;

/**
 * Writes availabilities.json as bytes: the head, then one item per line, handed on in 256 KB buffers.
 * `consume` answers false when the consumer wants the producer to wait (stream backpressure).
 */
export class AvailabilitiesJsonWriter {
  private out = Buffer.allocUnsafe(OUT_BYTES);
  private pos = 0;
  private count = 0;
  private wantsPause = false;

  constructor(
    private readonly consume: (bytes: Buffer) => boolean,
    head: AvailabilityHead,
  ) {
    this.pos = this.out.write(`{"head":${JSON.stringify(orderedHead(head))},"items":[`);
  }

  /**
   * An item whose product id is ASCII without characters JSON escapes, as bytes of `src`; `nodePart` is
   * the node's `","fulfillment_node_id":"…","quantity":`.
   */
  asciiItem(src: Buffer, pStart: number, pEnd: number, nodePart: Buffer, quantity: number): void {
    this.room(pEnd - pStart + nodePart.length + ROOM_BESIDES_IDS);
    const out = this.out;
    let pos = this.pos;
    const open = this.count++ === 0 ? FIRST_ITEM : NEXT_ITEM;
    out.set(open, pos);
    pos += open.length;
    for (let i = pStart; i < pEnd; i++) out[pos++] = src[i]!;
    out.set(nodePart, pos);
    pos += nodePart.length;
    pos = writeDigits(out, pos, quantity);
    out[pos++] = 125; // }
    this.pos = pos;
  }

  item(productId: string, nodeId: string, quantity: number): void {
    const text = `${this.count++ === 0 ? '\n' : ',\n'}{"product_id":${JSON.stringify(productId)},"fulfillment_node_id":${JSON.stringify(nodeId)},"quantity":${quantity}}`;
    const length = Buffer.byteLength(text);
    this.room(length);
    this.pos += this.out.write(text, this.pos);
  }

  /** Whether the consumer asked to pause since the last call. */
  takePause(): boolean {
    const pause = this.wantsPause;
    this.wantsPause = false;
    return pause;
  }

  finish(): void {
    const tail = this.count === 0 ? ']}\n' : '\n]}\n';
    this.room(tail.length);
    this.pos += this.out.write(tail, this.pos);
    this.flush(0);
  }

  private room(bytes: number): void {
    if (this.pos + bytes > this.out.length) this.flush(bytes);
  }

  /** Hands the filled part on; the next buffer is new (the consumer keeps the old one). */
  private flush(next: number): void {
    if (this.pos > 0 && !this.consume(this.out.subarray(0, this.pos))) this.wantsPause = true;
    this.out = Buffer.allocUnsafe(Math.max(OUT_BYTES, next));
    this.pos = 0;
  }
}

function writeDigits(out: Buffer, pos: number, value: number): number {
  if (value < 10) {
    out[pos] = 48 + value;
    return pos + 1;
  }
  let digits = 0;
  for (let v = value; v >= 1; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let i = pos + digits - 1; i >= pos; i--) {
    out[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}

function orderedHead(head: AvailabilityHead): AvailabilityHead {
  const out: AvailabilityHead = {};
  if (head.store_mapping) out.store_mapping = head.store_mapping;
  if (head.logical_timestamp_range) out.logical_timestamp_range = { from: head.logical_timestamp_range.from, to: head.logical_timestamp_range.to };
  return out;
}
