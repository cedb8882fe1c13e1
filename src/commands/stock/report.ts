// What stock import and stock status print and how they end: one result object (json on stdout, aligned
// lines for people), then exit 6 for a failed job and exit 7 for one still going when the wait ran out.
import type { ImportError, ImportJob } from '../../api/schemas.js';
import { PartialFailureError, PreconditionError, UsageError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import type { Output, Progress } from '../../output/output.js';
import type { CommandContext } from '../context.js';
import { nsxCommand } from '../../hints.js';

export const DEFAULT_WAIT = '30m';
const SHOWN_ERRORS_IN_MESSAGE = 20;

/**
 * How long a command may wait (429s and --wait): --wait-timeout, else a --timeout given on the command
 * line (the global per-request timeout flag, which the issue's `--wait --timeout 30m` means), else 30m.
 */
export function waitBudgetMs(ctx: CommandContext, opts: { wait?: boolean; waitTimeout?: string }, allowWithoutWait: boolean): number {
  if (opts.waitTimeout !== undefined && !opts.wait && !allowWithoutWait) throw new UsageError('--wait-timeout only applies with --wait');
  const text = opts.waitTimeout ?? ctx.globals.timeout ?? DEFAULT_WAIT;
  const ms = parseDuration(text, opts.waitTimeout !== undefined ? '--wait-timeout' : '--timeout');
  if (ms <= 0) throw new UsageError('the wait timeout must be greater than 0');
  return ms;
}

/** The fields every stock job result shows, in this order. */
export function jobFields(job: ImportJob | null): Record<string, unknown> {
  return {
    import_id: job?.import_id ?? null,
    state: job?.state ?? null,
    reason: job?.reason ?? null,
  };
}

/** Aligned `key  value` lines (values that are objects as compact JSON; nulls left out). */
export function keyValueText(value: Record<string, unknown>): string {
  const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => `${k.padEnd(width)}  ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

export function errorLine(error: ImportError): string {
  const item = error.item && typeof error.item === 'object' ? JSON.stringify(error.item) : undefined;
  return item ? `${error.message} (item ${item.length > 120 ? `${item.slice(0, 119)}…` : item})` : error.message;
}

/** Exit 6 for a failed job, 7 when the wait ran out; nothing for anything else. */
export function throwForOutcome(job: ImportJob | null, outcome: { errors: ImportError[]; errorsTotal: number; timedOut: boolean; waitedMs?: number }): void {
  if (!job) return;
  if (job.state === 'failed') {
    const lines = outcome.errors.slice(0, SHOWN_ERRORS_IN_MESSAGE).map((e) => `  ${errorLine(e)}`);
    if (outcome.errorsTotal > lines.length) lines.push(`  ... and ${outcome.errorsTotal - lines.length} more item errors`);
    throw new PartialFailureError(`import ${job.import_id} failed: ${job.reason ?? 'NewStore gave no reason'}${lines.length ? `\n${lines.join('\n')}` : ''}`, {
      hint: 'fix the data and import again (a failed job changes no stock)',
    });
  }
  if (outcome.timedOut) {
    throw new PreconditionError(`import ${job.import_id} is still ${job.state}${outcome.waitedMs !== undefined ? ` after ${formatDuration(outcome.waitedMs)}` : ''}; NewStore goes on with it`, {
      hint: `follow it with: ${nsxCommand('stock', 'status', job.import_id, '--wait')}`,
    });
  }
}

/** A spinner on a terminal that milestones interrupt (plain stderr lines elsewhere). */
export class Phases {
  private current: Progress | undefined;
  private text = '';
  /** Bumped by every change: a spinner that finishes loading after a later change is dropped. */
  private generation = 0;

  constructor(private readonly output: Output) {}

  async start(text: string): Promise<void> {
    this.stop();
    this.text = text;
    const generation = this.generation;
    const spinner = await this.output.spinner(text);
    if (generation === this.generation) this.current = spinner;
    else spinner.stop();
  }

  update(text: string): void {
    this.text = text;
    this.current?.update(text);
  }

  /** The phase is over: its line, marked like every other success line. */
  done(text: string): void {
    this.stop();
    this.output.success(text);
  }

  /** A line people must see (progress of a long wait, a warning); the spinner goes on below it. */
  async say(text: string, level: 'info' | 'warn'): Promise<void> {
    const running = this.current !== undefined;
    this.stop();
    if (level === 'warn') this.output.warn(text);
    else this.output.info(text);
    if (running) await this.start(this.text);
  }

  stop(): void {
    this.generation++;
    this.current?.stop();
    this.current = undefined;
  }
}
