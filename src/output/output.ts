// The only code that writes to stdout and stderr. stdout carries data only (tables, tsv, json, ndjson);
// everything for people (progress, context, warnings, errors) goes to stderr. It also decides whether a
// human is watching: colours, spinners and prompts follow from the TTYs, the flags and the environment.
import { Chalk, type ChalkInstance } from 'chalk';
import { ApiError, ExitCode, NsxError, UnreadableAnswerError } from '../errors.js';
import { processIO, type NsxIO } from '../io.js';
import { jsonText, printable } from './printable.js';

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
    this.mode = (requested as OutputMode | undefined) ?? (this.stdoutIsTTY ? 'table' : 'tsv');
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
  get isJson(): boolean {
    return this.mode === 'json' || this.mode === 'ndjson';
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
    if (this.mode === 'json') this.writeData(`${jsonText(value, 2)}\n`);
    else if (this.mode === 'ndjson') this.writeData(`${jsonText(value)}\n`);
    else this.writeData(printable(human(), this.color).replace(/\n*$/, '\n'));
  }

  /** A list, streamed: rows are written as they arrive (tables in chunks), never all held in memory. */
  async list<T>(rows: Iterable<T> | AsyncIterable<T>, columns: Column<T>[], options: ListOptions<T> = {}): Promise<number> {
    const toJson = options.json ?? ((r: T) => r);
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
    try {
      for await (const row of rows) {
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

  private async table<T>(rows: T[], columns: Column<T>[], withHeader: boolean): Promise<void> {
    const { default: Table } = await import('cli-table3');
    const width = this.term.stdout.columns ?? 120;
    const table = new Table({
      head: withHeader ? columns.map((c) => this.style.bold(c.header)) : [],
      chars: BORDERLESS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      wordWrap: false,
    });
    for (const row of rows) {
      table.push(columns.map((c) => truncate(cellText(c.value(row), this.color), c.maxWidth ?? Math.max(12, width))));
    }
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
function truncate(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > width ? `${oneLine.slice(0, Math.max(1, width - 1))}…` : oneLine;
}
