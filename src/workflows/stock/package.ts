// Validate -> convert -> zip, in one streaming pass: rows are read in 1 MB chunks, checked, written as
// availabilities.json text straight into a yazl entry (deflated by native zlib off the main thread) and the
// zip goes to a file while its SHA-256 and size are taken. Nothing is uploaded here.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { crc32 } from 'node:zlib';
import yazl from 'yazl';
import { AVAILABILITIES_FILE, LIMITS } from '../../api/routes.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { unreadableFile } from '../../input/files.js';
import {
  AvailabilitiesJsonWriter,
  AvailabilityValidator,
  describeJson,
  ITEM_FIELDS,
  type AvailabilityHead,
  type LogicalTimestampRange,
} from './availabilities.js';
import { CsvReader, LineReader, type CsvSink } from './csv.js';
import { ProblemList } from './problems.js';
import type { StoreMappingEntry } from '../../api/schemas.js';

export const STOCK_INPUT_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type StockInputFormat = (typeof STOCK_INPUT_FORMATS)[number];

/** A fixed entry time keeps the zip, and so its SHA-256 (part of the default job name), a function of the content. */
const ZIP_ENTRY_MTIME = new Date(Date.UTC(2000, 0, 1));
const READ_CHUNK = 1 << 20;
/**
 * Deflate level 1: on availability JSON it is ~4x faster than zlib's default 6 and the zip only ~1.3x
 * bigger (7.5 vs 5.6 MB for a million rows), far below the 80 MB limit; level 6 made the benchmark wait
 * on the compressor.
 */
export const DEFAULT_COMPRESSION = 1;

export interface PackageRequest {
  /** A file path, or "-" for stdin. */
  input: string;
  format?: StockInputFormat | undefined;
  range?: LogicalTimestampRange | undefined;
  /** From --store-mapping (see readStoreMapping). */
  storeMapping?: StoreMappingEntry[] | undefined;
  /** Directory the zip is written to (the caller removes it). */
  workDir: string;
  /** The largest zip allowed (NewStore's limit unless a test says otherwise). */
  maxBytes?: number;
  /** zlib level 0-9 (default DEFAULT_COMPRESSION). */
  compressionLevel?: number | undefined;
  stdin?: NodeJS.ReadableStream;
  /** Aborting stops reading (InterruptedError). */
  signal?: AbortSignal | undefined;
}

export interface StockPackage {
  /** The input as people call it: the file path or "stdin". */
  source: string;
  format: StockInputFormat;
  inputBytes: number;
  items: number;
  /** Items per fulfillment node, by node id. */
  nodes: { fulfillment_node_id: string; items: number }[];
  head: AvailabilityHead;
  zipPath: string;
  bytes: number;
  sha256: string;
}

export async function packageAvailabilities(request: PackageRequest): Promise<StockPackage> {
  const input = await openInput(request.input, request.stdin);
  const format = request.format ?? detectFormat(request.input, input.firstText);
  const problems = new ProblemList();

  // A JSON document brings its own head (and all its items at once); rows bring none.
  const document = format === 'json' ? parseDocument(await input.text(), problems) : undefined;
  const head = mergeHead(request, document?.head, problems);
  if (document === undefined && format === 'json') problems.throwIfAny(input.name);
  const knownNodes = head.store_mapping ? new Set(head.store_mapping.map((m) => m.fulfillment_node_id)) : undefined;

  const zipPath = join(request.workDir, 'availabilities.zip');
  const zip = startZip(zipPath, request.compressionLevel ?? DEFAULT_COMPRESSION);
  const writer = new AvailabilitiesJsonWriter((bytes) => zip.body.write(bytes), head);
  // ~40 bytes a CSV row; an estimate only sizes the duplicate finder's table.
  const expectedRows = document ? document.items.length : input.size === undefined ? undefined : input.size / 40;
  const validator = new AvailabilityValidator(problems, format === 'json' ? 'path' : 'line', knownNodes, writer, expectedRows);
  try {
    if (document) document.items.forEach((item, i) => validator.objectRow(i, item));
    else {
      const rows: RowReader = format === 'csv' ? new CsvRows(validator, problems) : new NdjsonRows(validator);
      for await (const chunk of input.chunks) {
        if (request.signal?.aborted) throw new InterruptedError('interrupted while reading the input: nothing was sent');
        rows.push(chunk);
        if (writer.takePause() || zip.body.writableNeedDrain) await zip.drained();
      }
      rows.end();
    }
    if (validator.items === 0 && problems.empty) problems.add('no items: an import needs at least one row');
    writer.finish();
  } catch (error) {
    zip.body.destroy(error as Error);
    await zip.done.catch(() => {});
    throw error;
  }
  const { bytes, sha256 } = await zip.finish();
  problems.throwIfAny(input.name);
  const maxBytes = request.maxBytes ?? LIMITS.maxImportBytes;
  if (bytes > maxBytes) {
    throw new UsageError(
      `the zip of ${input.name} is ${megabytes(bytes)} (${bytes} bytes), above NewStore's limit of ${megabytes(maxBytes)} a job; nothing was sent`,
      { hint: 'split the input into several imports (NewStore asks for about 5 minutes between them)' },
    );
  }
  return {
    source: input.name,
    format,
    inputBytes: input.bytesRead(),
    items: validator.items,
    nodes: validator.nodes(),
    head,
    zipPath,
    bytes,
    sha256,
  };
}

/** 289 bytes, 12.3 KB, 7.17 MB */
export function megabytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1)} MB`;
}

// ---- input ------------------------------------------------------------------------------------------

interface OpenInput {
  name: string;
  /** Size in bytes when it is a file. */
  size: number | undefined;
  /** The start of the input as text ('' when empty), for format detection. */
  firstText: string;
  chunks: AsyncIterable<Buffer>;
  text(): Promise<string>;
  bytesRead(): number;
}

async function openInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<OpenInput> {
  let stream: NodeJS.ReadableStream;
  let name: string;
  let size: number | undefined;
  if (path === '-') {
    if ((stdin as { isTTY?: boolean }).isTTY) throw new UsageError('expected the stock input on stdin, but stdin is a terminal (pipe it in, or name a file)');
    stream = stdin;
    name = 'stdin';
  } else {
    const info = await stat(path).catch((error: unknown) => {
      throw unreadableFile(error, path);
    });
    if (!info.isFile()) throw unreadableFile(Object.assign(new Error('not a file'), { code: 'EISDIR' }), path);
    stream = createReadStream(path, { highWaterMark: READ_CHUNK });
    name = path;
    size = info.size;
  }
  let bytes = 0;
  const iterator = (async function* read(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (buffer.length > 0) yield buffer;
    }
  })();
  const head = await iterator.next();
  const chunks = (async function* all(): AsyncGenerator<Buffer> {
    if (!head.done) yield head.value;
    yield* iterator;
  })();
  return {
    name,
    size,
    firstText: head.done ? '' : head.value.toString('utf8', 0, 64 * 1024).replace(/^\uFEFF/, ''),
    chunks,
    text: async () => {
      const parts: Buffer[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      return new TextDecoder('utf-8', { ignoreBOM: false }).decode(Buffer.concat(parts));
    },
    bytesRead: () => bytes,
  };
}

/** From the extension; otherwise from the content: `{` + a first line that is a whole item = NDJSON. */
export function detectFormat(path: string, firstText: string): StockInputFormat {
  const ext = path === '-' ? '' : extname(basename(path)).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json') return 'json';
  const text = firstText.trimStart();
  if (text.startsWith('[')) return 'json';
  if (!text.startsWith('{')) return 'csv';
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  try {
    const first = JSON.parse(firstLine) as unknown;
    return first && typeof first === 'object' && 'product_id' in first ? 'ndjson' : 'json';
  } catch {
    return 'json';
  }
}

// ---- rows -------------------------------------------------------------------------------------------

interface RowReader {
  push(chunk: Buffer): void;
  end(): void;
}

/** Maps the CSV header's columns (any order) and hands the rows to the validator. */
class CsvRows implements RowReader, CsvSink {
  /** For each of product_id, fulfillment_node_id, quantity: its column; undefined before the header. */
  private columns: [number, number, number] | undefined;
  private usable = false;
  /** The header is product_id,fulfillment_node_id,quantity in this order: plain rows take the fast path. */
  private canonical = false;
  private width = 3;
  private readonly reader = new CsvReader(this);

  constructor(
    private readonly validator: AvailabilityValidator,
    private readonly problems: ProblemList,
  ) {}

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  end(): void {
    this.reader.end();
    if (this.columns === undefined) this.problems.add(`line 1: the CSV header is missing (expected ${ITEM_FIELDS.join(',')})`);
  }

  plain(line: number, buf: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number, cStart: number, cEnd: number): boolean {
    return this.canonical && this.validator.plainRow(line, buf, aStart, aEnd, bStart, bEnd, cStart, cEnd);
  }

  invalid(line: number, message: string): void {
    if (this.columns === undefined) this.columns = [-1, -1, -1];
    this.validator.unreadable(line, message);
  }

  record(line: number, fields: string[] | undefined): void {
    if (this.columns === undefined) return this.header(line, fields ?? []);
    if (!this.usable) return; // no usable header: the one problem about it says it all
    if (fields === undefined) return this.validator.unreadable(line, 'a quoted field is not closed');
    if (fields.length !== this.width) return this.validator.unreadable(line, `expected ${this.width} fields, found ${fields.length}`);
    const [p, n, q] = this.columns;
    this.validator.textRow(line, fields[p]!, fields[n]!, fields[q]!);
  }

  private header(line: number, fields: string[]): void {
    const header = fields.map((h) => h.trim().toLowerCase());
    this.columns = [header.indexOf('product_id'), header.indexOf('fulfillment_node_id'), header.indexOf('quantity')];
    this.width = header.length;
    const unknown = header.filter((h) => !(ITEM_FIELDS as readonly string[]).includes(h));
    const missing = ITEM_FIELDS.filter((f) => !header.includes(f));
    const repeated = header.filter((h, i) => header.indexOf(h) !== i);
    this.usable = unknown.length === 0 && missing.length === 0 && repeated.length === 0;
    this.canonical = this.usable && this.columns.every((column, i) => column === i);
    if (!this.usable) {
      const what = [
        missing.length ? `missing ${missing.join(', ')}` : '',
        unknown.length ? `unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')}` : '',
        repeated.length ? `repeated ${repeated.join(', ')}` : '',
      ].filter(Boolean);
      this.problems.add(`line ${line}: the header must name the columns ${ITEM_FIELDS.join(',')} (${what.join('; ')})`);
    }
  }
}

/** One JSON object a line. */
class NdjsonRows implements RowReader {
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines: LineReader;
  private first = true;

  constructor(validator: AvailabilityValidator) {
    this.lines = new LineReader((line, text) => {
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (error) {
        validator.unreadable(line, `not valid JSON (${(error as Error).message})`);
        return;
      }
      validator.objectRow(line, row);
    });
  }

  push(chunk: Buffer): void {
    let text = this.decoder.write(chunk);
    if (this.first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.first = false;
    this.lines.push(text);
  }

  end(): void {
    this.lines.push(this.decoder.end());
    this.lines.end();
  }
}

// ---- a JSON document and the head ---------------------------------------------------------------

interface ParsedDocument {
  head: AvailabilityHead | undefined;
  items: unknown[];
}

/** The contract's availability document (or a bare array of items); problems by JSON path. */
function parseDocument(text: string, problems: ProblemList): ParsedDocument | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    problems.add(`not valid JSON: ${(error as Error).message} (one object per line? say --format ndjson)`);
    return undefined;
  }
  if (Array.isArray(raw)) return { head: undefined, items: raw };
  if (raw === null || typeof raw !== 'object') {
    problems.add(`expected {"head": {...}, "items": [...]}, got ${describeJson(raw)}`);
    return undefined;
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (key === 'full') fullProblem(doc.full, 'full', problems);
    else if (key !== 'head' && key !== 'items') problems.add(`unknown field ${JSON.stringify(key)} (expected head, items)`);
  }
  if (!Array.isArray(doc.items)) {
    problems.add(doc.items === undefined ? 'items is missing' : `items must be an array, got ${describeJson(doc.items)}`);
    return undefined;
  }
  let head: AvailabilityHead | undefined;
  if (doc.head !== undefined) {
    if (doc.head === null || typeof doc.head !== 'object' || Array.isArray(doc.head)) problems.add(`head must be an object, got ${describeJson(doc.head)}`);
    else {
      const h = doc.head as Record<string, unknown>;
      head = {};
      for (const key of Object.keys(h)) {
        if (key === 'full') fullProblem(h.full, 'head.full', problems);
        else if (key === 'store_mapping') head.store_mapping = checkStoreMapping(h.store_mapping, 'head.store_mapping', problems);
        else if (key === 'logical_timestamp_range') head.logical_timestamp_range = checkRange(h.logical_timestamp_range, 'head.logical_timestamp_range', problems);
        else problems.add(`head has an unknown field ${JSON.stringify(key)} (expected store_mapping, logical_timestamp_range)`);
      }
    }
  }
  return { head, items: doc.items };
}

function fullProblem(value: unknown, path: string, problems: ProblemList): void {
  if (value === false) return; // the only value NewStore accepts for availabilities; nsx sends it anyway
  problems.add(`${path}: full imports are not supported for availabilities (NewStore fails such jobs); remove it`);
}

function checkRange(value: unknown, path: string, problems: ProblemList): LogicalTimestampRange | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add(`${path} must be {"from": N, "to": N}, got ${describeJson(value)}`);
    return undefined;
  }
  const r = value as Record<string, unknown>;
  const bad = (['from', 'to'] as const).filter((k) => typeof r[k] !== 'number' || !Number.isSafeInteger(r[k]) || (r[k] as number) < 0);
  for (const k of bad) problems.add(`${path}.${k} must be a non-negative integer, got ${describeJson(r[k])}`);
  for (const k of Object.keys(r)) if (k !== 'from' && k !== 'to') problems.add(`${path} has an unknown field ${JSON.stringify(k)}`);
  if (bad.length > 0) return undefined;
  const range = { from: r.from as number, to: r.to as number };
  if (range.from > range.to) problems.add(`${path}: from (${range.from}) must not be greater than to (${range.to})`);
  return range;
}

/** Checks store-mapping entries: `{fulfillment_node_id, store_id}` with store_id null for a DC; no node twice. */
export function checkStoreMapping(value: unknown, path: string, problems: ProblemList): StoreMappingEntry[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(`${path} must be an array of {"fulfillment_node_id", "store_id"}, got ${describeJson(value)}`);
    return undefined;
  }
  const seen = new Map<string, number>();
  const entries: StoreMappingEntry[] = [];
  value.forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return problems.add(`${at} must be an object, got ${describeJson(entry)}`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (k !== 'fulfillment_node_id' && k !== 'store_id') problems.add(`${at} has an unknown field ${JSON.stringify(k)}`);
    const node = e.fulfillment_node_id;
    if (typeof node !== 'string' || node.trim() === '') return problems.add(`${at}.fulfillment_node_id must be a non-empty string, got ${describeJson(node)}`);
    if (e.store_id !== null && (typeof e.store_id !== 'string' || e.store_id === '')) {
      return problems.add(`${at}.store_id must be a store id or null (a DC), got ${describeJson(e.store_id)}`);
    }
    const first = seen.get(node);
    if (first !== undefined) return problems.add(`${at}: node ${JSON.stringify(node)} is mapped twice (first at ${path}[${first}])`);
    seen.set(node, i);
    entries.push({ fulfillment_node_id: node, store_id: e.store_id });
  });
  return entries;
}

/** The head written into the zip: the flags' range and store mapping, or the document's; both must agree. */
function mergeHead(request: PackageRequest, fromFile: AvailabilityHead | undefined, problems: ProblemList): AvailabilityHead {
  const head: AvailabilityHead = {};
  const range = request.range ?? fromFile?.logical_timestamp_range;
  if (request.range && fromFile?.logical_timestamp_range) {
    const f = fromFile.logical_timestamp_range;
    if (f.from !== request.range.from || f.to !== request.range.to) {
      problems.add(`head.logical_timestamp_range is ${f.from}-${f.to} but --range says ${request.range.from}-${request.range.to}; state it once`);
    }
  }
  if (range) head.logical_timestamp_range = range;
  const mapping = request.storeMapping ?? fromFile?.store_mapping;
  if (request.storeMapping && fromFile?.store_mapping && JSON.stringify(request.storeMapping) !== JSON.stringify(fromFile.store_mapping)) {
    problems.add('head.store_mapping differs from the --store-mapping file; state it once');
  }
  if (mapping) head.store_mapping = mapping;
  return head;
}

// ---- the zip ----------------------------------------------------------------------------------------

interface ZipInProgress {
  /** availabilities.json text goes here. */
  body: PassThrough;
  drained(): Promise<void>;
  done: Promise<void>;
  finish(): Promise<{ bytes: number; sha256: string }>;
}

/**
 * yazl computes an entry's CRC-32 with the buffer-crc32 package in JavaScript: ~0.3 s per 80 MB of JSON,
 * a fifth of the benchmark's budget. Node >= 22.2 has the same checksum natively (zlib.crc32); point the
 * package's function at it, once, after checking that both agree.
 */
function useNativeCrc32(): void {
  if (nativeCrc32Checked) return;
  nativeCrc32Checked = true;
  try {
    const requireFromYazl = createRequire(createRequire(import.meta.url).resolve('yazl'));
    const bufferCrc32 = requireFromYazl('buffer-crc32') as { unsigned: (buf: Buffer, previous?: number) => number };
    const sample = Buffer.from('{"product_id":"10000102","fulfillment_node_id":"DC01","quantity":17}');
    const native = (buf: Buffer, previous?: number): number => crc32(buf, previous ?? 0);
    if (native(sample, 7) === bufferCrc32.unsigned(sample, 7)) bufferCrc32.unsigned = native;
  } catch {
    // Not patched: slower, still correct.
  }
}
let nativeCrc32Checked = false;

function startZip(path: string, compressionLevel: number): ZipInProgress {
  useNativeCrc32();
  const body = new PassThrough({ highWaterMark: READ_CHUNK });
  const zip = new yazl.ZipFile();
  zip.addReadStream(body, AVAILABILITIES_FILE, { mtime: ZIP_ENTRY_MTIME, compressionLevel });
  zip.end();
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const done = pipeline(zip.outputStream, measure, createWriteStream(path));
  return {
    body,
    done,
    drained: async () => {
      // Either the entry stream drains or the zip pipeline fails (a full disk): whichever comes first.
      await Promise.race([once(body, 'drain'), done]);
    },
    finish: async () => {
      body.end();
      await done;
      return { bytes, sha256: hash.digest('hex') };
    },
  };
}

/** Reads a --store-mapping file: a JSON array of entries or `{"store_mapping": [...]}`. */
export async function readStoreMapping(path: string): Promise<StoreMappingEntry[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw unreadableFile(error, path, '--store-mapping');
  });
  const problems = new ProblemList();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--store-mapping ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = raw && typeof raw === 'object' && !Array.isArray(raw) && 'store_mapping' in raw ? (raw as { store_mapping: unknown }).store_mapping : raw;
  const entries = checkStoreMapping(list, 'store_mapping', problems);
  problems.throwIfAny(`--store-mapping ${path}`);
  return entries ?? [];
}
