// Reading the stock input's CSV (and NDJSON lines). No CSV library: the format is three known columns, and
// the 1,000,000-row benchmark needs a hot path no general parser has: each line is scanned once as bytes,
// and a plain ASCII row of three fields goes to the consumer as byte offsets into the input buffer, with no
// string, array or decoding per row. Anything else (the header, quoted fields per RFC 4180 with "" and line
// breaks inside quotes, non-ASCII text, a wrong field count) is decoded and split by the general path.

/** Splits one record into fields; undefined when a quote is left open. */
export function splitCsvRecord(record: string): string[] | undefined {
  if (!record.includes('"')) return record.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (record[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

/** Whether a physical line leaves a quoted field open (an odd number of quotes). */
function opensQuote(line: string): boolean {
  let n = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

export interface CsvSink {
  /**
   * A plain row: ASCII without quotes, backslashes or control characters, exactly three fields, at byte
   * offsets of `buf`. Answers false to have it go through `record` instead (e.g. to report a problem).
   */
  plain(line: number, buf: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number, cStart: number, cEnd: number): boolean;
  /** Any other record, the header first; `fields` undefined = a quote never closed. */
  record(line: number, fields: string[] | undefined): void;
  /** A line that cannot be read at all (not UTF-8, absurdly long). */
  invalid(line: number, message: string): void;
}

const NL = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
const BACKSLASH = 92;
const BOM = [0xef, 0xbb, 0xbf] as const;
const PLAIN = 0;
const SEPARATOR = 1;
const SPECIAL = 2;
/** Per byte: a comma, something only the general path handles (control, quote, backslash, non-ASCII), or plain. */
const BYTE_KIND = new Uint8Array(256).map((_, b) => (b === COMMA ? SEPARATOR : b < 32 || b > 126 || b === QUOTE || b === BACKSLASH ? SPECIAL : PLAIN));
/** Longer lines are reported and skipped rather than buffered (and rescanned) without bound. */
export const MAX_LINE_BYTES = 1 << 20;

export class CsvReader {
  private carry: Buffer | undefined;
  private lineNo = 0;
  private first = true;
  /** A record whose quotes are still open, continued on the following lines. */
  private pending: { line: number; text: string } | undefined;
  private records = 0;
  /** Dropping the rest of a line that was too long. */
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly sink: CsvSink) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.skipping) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) return;
      this.skipping = false;
      start = nl + 1;
    }
    if (this.first) {
      this.first = false;
      if (chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) start = 3; // Excel writes one
    }
    if (this.carry) {
      // The line cut at the end of the last chunk: joined with its end alone (not the whole new chunk).
      const nl = chunk.indexOf(NL, start);
      const joined = Buffer.concat([this.carry, nl === -1 ? chunk.subarray(start) : chunk.subarray(start, nl + 1)]);
      this.carry = undefined;
      this.scan(joined, 0);
      if (nl === -1) return;
      start = nl + 1;
    }
    this.scan(chunk, start);
  }

  /** Handles the complete lines of buf from `start`; keeps an incomplete last line for the next chunk. */
  private scan(buf: Buffer, from: number): void {
    let start = from;
    const len = buf.length;
    for (;;) {
      // One pass over the line: where it ends, its first two commas, and whether it is plain. (Faster
      // than buf.indexOf for the line break: a native call per row costs more than scanning ~40 bytes.)
      let comma1 = -1;
      let comma2 = -1;
      let commas = 0;
      let plain = true;
      let j = start;
      for (; j < len; j++) {
        const b = buf[j]!;
        const kind = BYTE_KIND[b]!;
        if (kind === PLAIN) continue;
        if (kind === SEPARATOR) {
          if (commas === 0) comma1 = j;
          else if (commas === 1) comma2 = j;
          commas++;
        } else if (b === NL) break;
        else if (b !== CR || buf[j + 1] !== NL) plain = false;
      }
      if (j === len) break;
      this.lineNo++;
      const end = j > start && buf[j - 1] === CR ? j - 1 : j;
      const handled =
        plain && commas === 2 && this.pending === undefined && this.records > 0 &&
        this.sink.plain(this.lineNo, buf, start, comma1, comma1 + 1, comma2, comma2 + 1, end);
      if (!handled) this.line(buf, start, end);
      start = j + 1;
    }
    if (len - start > MAX_LINE_BYTES) {
      this.lineNo++;
      this.sink.invalid(this.lineNo, `is longer than ${MAX_LINE_BYTES} bytes (is this really CSV?)`);
      this.skipping = true;
    } else if (start < len) this.carry = buf.slice(start);
  }

  /** The last line (without a line break) and a record left open by an unterminated quote. */
  end(): void {
    if (this.carry) {
      const last = this.carry;
      this.carry = undefined;
      this.lineNo++;
      this.line(last, 0, last.length > 0 && last[last.length - 1] === CR ? last.length - 1 : last.length);
    }
    if (this.pending) this.sink.record(this.pending.line, undefined);
    this.pending = undefined;
  }

  private line(buf: Buffer, start: number, end: number): void {
    let line: string;
    try {
      line = this.decoder.decode(buf.subarray(start, end));
    } catch {
      this.sink.invalid(this.lineNo, 'is not UTF-8 text');
      return;
    }
    if (this.pending) {
      this.pending.text += `\n${line}`;
      if (opensQuote(line)) {
        const { line: first, text } = this.pending;
        this.pending = undefined;
        this.emit(first, text);
      }
      return;
    }
    if (line.trim() === '') return;
    if (line.includes('"') && opensQuote(line)) this.pending = { line: this.lineNo, text: line };
    else this.emit(this.lineNo, line);
  }

  private emit(line: number, text: string): void {
    this.records++;
    this.sink.record(line, splitCsvRecord(text));
  }
}

/** Cuts NDJSON text into non-blank lines with their line numbers. */
export class LineReader {
  private carry = '';
  private lineNo = 0;

  constructor(private readonly onLine: (line: number, text: string) => void) {}

  push(chunk: string): void {
    const text = this.carry + chunk;
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  end(): void {
    if (this.carry.length > 0) this.line(this.carry);
    this.carry = '';
  }

  private line(text: string): void {
    this.lineNo++;
    if (text.trim() !== '') this.onLine(this.lineNo, text);
  }
}
