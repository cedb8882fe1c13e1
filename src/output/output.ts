// The only code that writes to stdout and stderr. stdout carries data only (tables, tsv, json, ndjson);
// everything for people (progress, context, warnings, errors) goes to stderr. It also decides whether a
// human is watching: colours, spinners and prompts follow from the TTYs, the flags and the environment.
import { Chalk, type ChalkInstance } from 'chalk';
import { ApiError, ExitCode, NsxError, UnreadableAnswerError } from '../errors.js';
import { processIO, type NsxIO } from '../io.js';
import { jsonText, printable } from './printable.js';
import { parseWholeNumber } from '../input/numbers.js';
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';

export const OUTPUT_MODES = ['table', 'json', 'ndjson', 'tsv'] as const;
/** Modes only the commands that declare them print (VerbSpec.outputs): openmetrics for nsx status. */
export const COMMAND_OUTPUT_MODES = ['openmetrics'] as const;
export type CommandOutputMode = (typeof COMMAND_OUTPUT_MODES)[number];
export type OutputMode = (typeof OUTPUT_MODES)[number] | CommandOutputMode;

export interface OutputFlags {
  output?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  verbose?: boolean | undefined;
  /** false with --no-input */
  input?: boolean | undefined;
  /** false with --no-color */
  color?: boolean | undefined;
  /** --limit N of a list: at most N rows are printed (and the listing stops reading after them). */
  limit?: string | undefined;
  /** --fields a,b,c: the columns of a table or tsv, by header name, in this order. */
  fields?: string | undefined;
  /** --header: tsv starts with the column names. */
  header?: boolean | undefined;
  /** --query EXPR: JMESPath applied to the JSON the command prints. */
  query?: string | undefined;
}

/** What Output needs of the command's IO (src/io.ts); prompts read from `stdin`. */
export type Terminal = Pick<NsxIO, 'stdout' | 'stderr' | 'env' | 'isTTY'> & Partial<Pick<NsxIO, 'stdin'>>;

/** A column of a list: its header and how a row shows in it (tables and tsv). json/ndjson print rows whole. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** Truncate to this width in tables (never in tsv). */
  maxWidth?: number;
}

export interface ListOptions<T> {
  /** What json/ndjson print for a row (default: the row itself). */
  json?: (row: T) => unknown;
  /** Said on stderr when the list is empty and a human is watching. */
  empty?: string;
}

const TABLE_CHUNK = 1000;

export class Output {
  readonly mode: OutputMode;
  /** --output/--json was given (otherwise table on a terminal, tsv when piped). */
  readonly explicitMode: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly color: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Prompts are allowed: stdin and stdout are terminals, no --no-input, no CI. */
  readonly canPrompt: boolean;
  readonly style: ChalkInstance;
  /** --limit: the most rows a list prints. */
  readonly limit: number | undefined;
  /** --fields, lower-cased; undefined: every column. */
  readonly fields: string[] | undefined;
  readonly tsvHeader: boolean;
  /** --query, compiled (a bad expression is refused when the output is built, before any request). */
  private readonly query: ReturnType<typeof compile> | undefined;
  readonly errStyle: ChalkInstance;
  /** The streams this output writes to (prompts draw on its stderr and read its stdin). */
  readonly term: Terminal;
  private readonly secrets = new Set<string>();

  constructor(flags: OutputFlags = {}, term: Terminal = processIO(), profileOutput?: string, commandOutputs: readonly CommandOutputMode[] = []) {
    this.term = term;
    const env = term.env;
    this.stdoutIsTTY = term.isTTY.stdout;
    this.stderrIsTTY = term.isTTY.stderr;
    if (flags.json && flags.output !== undefined && flags.output !== 'json') {
      throw new NsxError(`--json conflicts with --output ${flags.output}: give one of them`, ExitCode.usage);
    }
    const requested = flags.json ? 'json' : (flags.output ?? profileOutput);
    if (requested !== undefined && (COMMAND_OUTPUT_MODES as readonly string[]).includes(requested) && !(commandOutputs as readonly string[]).includes(requested)) {
      throw new NsxError(`--output ${requested} applies only to nsx status`, ExitCode.usage);
    }
    if (requested !== undefined && ![...OUTPUT_MODES, ...commandOutputs].includes(requested as never)) {
      throw new NsxError(`--output must be one of ${OUTPUT_MODES.join(', ')} (got "${requested}")`, ExitCode.usage);
    }
    this.explicitMode = requested !== undefined;
    this.query = flags.query === undefined ? undefined : compileQuery(flags.query);
    // --query works on the JSON: without --output/--json (or the profile's), the output is json.
    this.mode = (requested as OutputMode | undefined) ?? (this.query ? 'json' : this.stdoutIsTTY ? 'table' : 'tsv');
    this.limit = flags.limit === undefined ? undefined : parseWholeNumber(flags.limit, '--limit', { min: 1 });
    this.fields = flags.fields === undefined ? undefined : parseFields(flags.fields);
    if (this.fields && this.isJson) {
      throw new NsxError(`--fields chooses the columns of table and tsv output; json prints rows whole (pick keys with --query)`, ExitCode.usage);
    }
    this.tsvHeader = Boolean(flags.header);
    this.quiet = Boolean(flags.quiet);
    this.verbose = Boolean(flags.verbose);
    const colorAllowed =
      flags.color !== false && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
    const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
    this.color = colorAllowed && (this.stdoutIsTTY || forced);
    this.style = new Chalk({ level: this.color ? 1 : 0 });
    this.errStyle = new Chalk({ level: colorAllowed && (this.stderrIsTTY || forced) ? 1 : 0 });
    const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
    this.canPrompt = term.isTTY.stdin && this.stdoutIsTTY && flags.input !== false && !ci;
  }

  /** Whether progress (spinners, bars) may be drawn: stderr is a terminal and the user did not ask for quiet. */
  get showProgress(): boolean {
    return this.stderrIsTTY && !this.quiet && this.term.env.TERM !== 'dumb';
  }
  /** --query was given: object() and list() print its result. */
  get querying(): boolean {
    return this.query !== undefined;
  }
  /** The command prints JSON: --output json/ndjson, or --query (which works on that JSON whatever -o says). */
  get isJson(): boolean {
    return this.mode === 'json' || this.mode === 'ndjson' || this.query !== undefined;
  }

  /** Registers a secret value: it is masked wherever it would be printed. */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('***');
    return out
      .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1***')
      .replace(/((?:client_secret|access_token|api_key|password|aws_secret_access_key)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi, '$1***');
  }

  // ---- stdout: data ----------------------------------------------------------------------------
  writeData(text: string): boolean {
    return this.term.stdout.write(text);
  }
  /** Waits until stdout has drained (streams of many rows must not buffer without bound). */
  async drain(): Promise<void> {
    const out = this.term.stdout;
    if ((out as { writableNeedDrain?: boolean }).writableNeedDrain) {
      await new Promise<void>((resolve) => out.once('drain', resolve));
    }
  }

  /** One object: pretty JSON in json modes, the human rendering otherwise. */
  object(value: unknown, human: () => string): void {
    if (this.query) return this.queried(TreeInterpreter.search(this.query, value as JSONValue));
    if (this.mode === 'json') this.writeData(`${jsonText(value, 2)}\n`);
    else if (this.mode === 'ndjson') this.writeData(`${jsonText(value)}\n`);
    else this.writeData(printable(human(), this.color).replace(/\n*$/, '\n'));
  }

  /** A list, streamed: rows are written as they arrive (tables in chunks), never all held in memory. */
  async list<T>(rows: Iterable<T> | AsyncIterable<T>, allColumns: Column<T>[], options: ListOptions<T> = {}): Promise<number> {
    const columns = this.chooseColumns(allColumns);
    const toJson = options.json ?? ((r: T) => r);
    if (this.query) {
      // JMESPath works on the whole document: the rows are gathered (no streaming with --query).
      const all: unknown[] = [];
      for await (const row of rows) {
        if (this.limit !== undefined && all.length >= this.limit) break;
        all.push(toJson(row));
      }
      this.queried(TreeInterpreter.search(this.query, all as JSONValue));
      return all.length;
    }
    let count = 0;
    let chunk: T[] = [];
    // Rows are gathered and written together (one write per page, not per row: a write to a file is a
    // system call). What is gathered goes out as soon as the producer waits for I/O (setImmediate runs
    // then), at 64 KB, and before returning or throwing, so a stream still shows rows as pages arrive.
    let pending = '';
    let scheduled: NodeJS.Immediate | undefined;
    const flush = (): void => {
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      if (pending) this.writeData(pending);
      pending = '';
    };
    const emit = (text: string): void => {
      pending += text;
      if (pending.length >= 65_536) flush();
      else scheduled ??= setImmediate(flush);
    };
    // json: the array opens with the first row and is closed even when the producer throws (a failed
    // first page leaves stdout empty; a failure later leaves the rows so far as valid JSON, with the error
    // on stderr and its exit code), so `nsx ... --json | jq` never meets a half-written document.
    if (this.mode === 'tsv' && this.tsvHeader) emit(`${columns.map((c) => tsvCell(c.header, false)).join('\t')}\n`);
    try {
      for await (const row of rows) {
        // --limit: leaving the loop ends the producer (its pages after this one are never fetched).
        if (this.limit !== undefined && count >= this.limit) break;
        switch (this.mode) {
          case 'json':
            emit(`${count === 0 ? '[\n' : ',\n'}${jsonText(toJson(row))}`);
            break;
          case 'ndjson':
            emit(`${jsonText(toJson(row))}\n`);
            break;
          case 'tsv':
            emit(`${columns.map((c) => tsvCell(c.value(row), this.color)).join('\t')}\n`);
            break;
          case 'table':
            chunk.push(row);
            if (chunk.length >= TABLE_CHUNK) {
              await this.table(chunk, columns, count === TABLE_CHUNK - 1);
              chunk = [];
            }
            break;
        }
        count++;
        if (count % 256 === 0) await this.drain();
      }
      if (this.mode === 'json') emit(count === 0 ? '[]\n' : '\n]\n');
    } catch (error) {
      if (this.mode === 'json' && count > 0) emit('\n]\n');
      throw error;
    } finally {
      flush();
    }
    if (this.mode === 'table' && chunk.length > 0) await this.table(chunk, columns, count <= TABLE_CHUNK);
    if (count === 0 && options.empty && !this.isJson) this.info(options.empty);
    return count;
  }

  /**
   * The result of --query. json: pretty JSON; ndjson: an array one element a line, anything else one line.
   * table/tsv (asked for with --output): a string, number or boolean plain, an array of them one a line
   * (like the AWS CLI's text output), null nothing, objects and arrays of objects as JSON.
   */
  private queried(result: JSONValue): void {
    const scalar = (v: unknown) => v === null || typeof v !== 'object';
    const plain = (v: unknown) => (typeof v === 'string' ? printable(v) : String(v));
    if (this.mode === 'json') this.writeData(`${jsonText(result, 2)}\n`);
    else if (this.mode === 'ndjson') this.writeData(Array.isArray(result) ? result.map((v) => `${jsonText(v)}\n`).join('') : `${jsonText(result)}\n`);
    else if (result === null) return;
    else if (scalar(result)) this.writeData(`${plain(result)}\n`);
    else if (Array.isArray(result) && result.every(scalar)) this.writeData(result.filter((v) => v !== null).map((v) => `${plain(v)}\n`).join(''));
    else this.writeData(`${jsonText(result, 2)}\n`);
  }

  /**
   * The columns --fields names, in its order (headers match without regard to case; - for _); all of them
   * without --fields. An unknown name is a usage error naming the known ones. Lists whose rows are read
   * lazily call it (through list) before the first request; a command that reads first calls it itself.
   */
  chooseColumns<T>(columns: Column<T>[]): Column<T>[] {
    if (!this.fields) return columns;
    const key = (h: string) => h.toLowerCase().replace(/-/g, '_');
    return this.fields.map((f) => {
      const column = columns.find((c) => key(c.header) === key(f));
      if (!column) throw new NsxError(`--fields: unknown field "${f}" (known: ${columns.map((c) => key(c.header)).join(', ')})`, ExitCode.usage);
      return column;
    });
  }

  private async table<T>(rows: T[], columns: Column<T>[], withHeader: boolean): Promise<void> {
    const { default: Table } = await import('cli-table3');
    const cells = rows.map((row) => columns.map((c) => truncate(cellText(c.value(row), this.color), c.maxWidth ?? Number.POSITIVE_INFINITY)));
    const heads = columns.map((c) => c.header);
    // On a terminal the table fits its width, as gh's do: the widest columns are cut (with …) until the
    // line fits. Piped output (-o table into a file) is never cut.
    const width = this.stdoutIsTTY ? this.term.stdout.columns : undefined;
    if (width) {
      const widths = columns.map((_, i) => Math.max(visibleLength(heads[i]!), ...cells.map((r) => visibleLength(r[i]!))));
      const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
      while (total() > width) {
        const widest = widths.indexOf(Math.max(...widths));
        if (widths[widest]! <= MIN_CUT_WIDTH) break;
        widths[widest]! -= 1;
      }
      for (const r of cells) r.forEach((text, i) => (r[i] = truncate(text, widths[i]!)));
      heads.forEach((text, i) => (heads[i] = truncate(text, widths[i]!)));
    }
    const table = new Table({
      head: withHeader ? heads.map((h) => this.style.bold(h)) : [],
      chars: BORDERLESS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      wordWrap: false,
    });
    for (const r of cells) table.push(r);
    this.writeData(`${table.toString().replace(/[ \t]+$/gm, '')}\n`);
  }

  // ---- stderr: people --------------------------------------------------------------------------
  private writeErr(text: string): void {
    this.term.stderr.write(`${printable(this.redact(text), this.errStyle.level > 0)}\n`);
  }
  info(message: string): void {
    if (!this.quiet) this.writeErr(message);
  }
  success(message: string): void {
    if (!this.quiet) this.writeErr(`${this.errStyle.green('✓')} ${message}`);
  }
  warn(message: string): void {
    this.writeErr(`${this.errStyle.yellow('warning:')} ${message}`);
  }
  debug(message: string): void {
    if (this.verbose) this.writeErr(this.errStyle.dim(message));
  }
  /** A line for people that must not be hidden by --quiet (a resume command, a plan to confirm). */
  notice(message: string): void {
    this.writeErr(message);
  }

  /** The one-line error report; json mode prints one JSON object on stderr. Stack only with --verbose. */
  error(error: unknown): void {
    const nsx = error instanceof NsxError ? error : undefined;
    const message = nsx ? nsx.message : error instanceof Error ? error.message : String(error);
    if (this.isJson) {
      const body: Record<string, unknown> = { message, exit_code: nsx?.exitCode ?? ExitCode.error };
      if (error instanceof ApiError) {
        Object.assign(body, { status: error.status, title: error.title, detail: error.detail, request_id: error.requestId });
        if (error.errorCode !== undefined) body.error_code = error.errorCode;
        if (error.messages.length > 0) body.messages = error.messages;
      }
      if (error instanceof UnreadableAnswerError && error.requestId) body.request_id = error.requestId;
      if (this.verbose && nsx?.verboseDetail) body.verbose_detail = nsx.verboseDetail;
      if (nsx?.hint) body.hint = nsx.hint;
      this.writeErr(jsonText({ error: body }));
    } else {
      this.writeErr(`${this.errStyle.red('error:')} ${message}`);
      if (nsx?.hint) this.writeErr(`  ${nsx.hint}`);
      if (this.verbose && nsx?.verboseDetail) this.writeErr(this.errStyle.dim(nsx.verboseDetail));
    }
    if (this.verbose && error instanceof Error && error.stack) this.writeErr(this.errStyle.dim(error.stack));
  }

  // ---- progress ------------------------------------------------------------------------------------
  /** A spinner on a terminal; plain stderr lines (or nothing) elsewhere. */
  async spinner(text: string): Promise<Progress> {
    if (!this.showProgress) {
      return {
        update: () => {},
        succeed: (t) => this.success(t ?? text),
        fail: (t) => this.warn(t ?? text),
        stop: () => {},
      };
    }
    const { default: ora } = await import('ora');
    const shown = (t: string) => printable(this.redact(t), this.errStyle.level > 0);
    const spin = ora({ text: shown(text), stream: this.term.stderr as NodeJS.WritableStream, discardStdin: false }).start();
    return {
      update: (t) => void (spin.text = shown(t)),
      succeed: (t) => void spin.succeed(t === undefined ? spin.text : shown(t)),
      fail: (t) => void spin.fail(t === undefined ? spin.text : shown(t)),
      stop: () => void spin.stop(),
    };
  }
}

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

function compileQuery(expression: string): ReturnType<typeof compile> {
  try {
    return compile(expression);
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new NsxError(`--query: not a JMESPath expression: ${why} (got "${expression}")`, ExitCode.usage);
  }
}

function parseFields(text: string): string[] {
  const fields = text.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.length === 0) throw new NsxError(`--fields needs at least one column name (got "${text}")`, ExitCode.usage);
  return fields;
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

/** A cell: its text with controls escaped; with colours on, the colour codes of nsx's own styling pass. */
function cellText(value: unknown, colour: boolean): string {
  return value === null || value === undefined ? '' : printable(String(value).replace(/\r/g, ' '), colour);
}
function tsvCell(value: unknown, colour: boolean): string {
  return cellText(value, colour).replace(/[\t\n]/g, ' ');
}
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
const MIN_CUT_WIDTH = 5;
function visibleLength(text: string): number {
  return text.replace(SGR, '').length;
}
/** One line of at most `width` characters; a cut one ends in … (and loses its colours). */
function truncate(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  if (visibleLength(oneLine) <= width) return oneLine;
  const plain = oneLine.replace(SGR, '');
  return `${plain.slice(0, Math.max(1, width - 1))}…`;
}
