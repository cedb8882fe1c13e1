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
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let start = 0;
    if (this.skipping) {
      const nl = buf.indexOf(NL);
      if (nl === -1) return;
      this.skipping = false;
      start = nl + 1;
    }
    if (this.first) {
      this.first = false;
      if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) start = 3; // Excel writes one
    }
    const len = buf.length;
    let nl: number;
    while ((nl = buf.indexOf(NL, start)) !== -1) {
      this.lineNo++;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      // One pass over the line: its first two commas, and whether it is plain.
      let comma1 = -1;
      let comma2 = -1;
      let commas = 0;
      let plain = true;
      for (let j = start; j < end; j++) {
        const b = buf[j]!;
        if (b > COMMA && b < 127 && b !== BACKSLASH) continue; // letters, digits, - . / : _ and the like
        if (b === COMMA) {
          if (commas === 0) comma1 = j;
          else if (commas === 1) comma2 = j;
          commas++;
        } else if (b < 32 || b > 126 || b === QUOTE || b === BACKSLASH) plain = false;
      }
      const handled =
        plain && commas === 2 && this.pending === undefined && this.records > 0 &&
        this.sink.plain(this.lineNo, buf, start, comma1, comma1 + 1, comma2, comma2 + 1, end);
      if (!handled) this.line(buf, start, end);
      start = nl + 1;
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
