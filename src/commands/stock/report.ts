// What stock import and stock status print and how they end: one result object (json on stdout, aligned
// lines for people), then exit 6 for a failed job and exit 7 for one still going when the wait ran out.
import { importErrorText, importStateIs, type ImportError, type ImportJob } from '../../api/schemas.js';
import { capText, SHOWN_TEXT_CHARS } from '../../api/answers.js';
import { PartialFailureError, PreconditionError, UsageError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import type { Output, Progress } from '../../output/output.js';
import type { CommandContext } from '../context.js';

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

/** One item error for people: its reason (or message), then the entity it is about or the item itself. */
export function errorLine(error: ImportError): string {
  const text = capText(importErrorText(error), SHOWN_TEXT_CHARS);
  if (error.entity_type || error.entity_id) return `${text} (${[error.entity_type, error.entity_id].filter(Boolean).join(' ')})`;
  const item = error.item && typeof error.item === 'object' ? JSON.stringify(error.item) : undefined;
  return item ? `${text} (item ${item.length > 120 ? `${item.slice(0, 119)}…` : item})` : text;
}

/** Exit 6 for a failed job, 7 when the wait ran out; nothing for anything else. */
export function throwForOutcome(ctx: Pick<CommandContext, 'command'>, job: ImportJob | null, outcome: { errors: ImportError[]; errorsTotal: number; errorsUnreadable?: string | undefined; timedOut: boolean; waitedMs?: number }): void {
  if (!job) return;
  if (importStateIs(job, 'failed')) {
    const lines = outcome.errors.slice(0, SHOWN_ERRORS_IN_MESSAGE).map((e) => `  ${errorLine(e)}`);
    if (outcome.errorsTotal > lines.length) lines.push(`  ... and ${outcome.errorsTotal - lines.length} more item errors`);
    if (outcome.errorsUnreadable) lines.push(`  (its item errors could not be read: ${outcome.errorsUnreadable})`);
    throw new PartialFailureError(`import ${job.import_id} failed: ${job.reason ?? 'NewStore gave no reason'}${lines.length ? `\n${lines.join('\n')}` : ''}`, {
      hint: 'fix the data and import again (a failed job changes no stock)',
    });
  }
  if (outcome.timedOut) {
    throw new PreconditionError(`import ${job.import_id} is still ${job.state}${outcome.waitedMs !== undefined ? ` after ${formatDuration(outcome.waitedMs)}` : ''}; NewStore goes on with it`, {
      hint: `follow it with: ${ctx.command('stock', 'status', job.import_id, '--wait')}`,
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

/** The reason `stock fail` is given in the command printed at a 429. */
export const STUCK_JOB_REASON = 'stuck: failed to free a place among the open import jobs';
const OPEN_JOBS_SHOWN = 5;

/** At a 429 of the open-jobs limit: which jobs hold the places, and the command that fails a stuck one. */
export function openJobsText(ctx: CommandContext, open: { jobs: ImportJob[]; partial: boolean } | { error: string }): string {
  if ('error' in open) return `could not list the open import jobs: ${open.error}`;
  if (open.jobs.length === 0) return 'NewStore answered 429 but lists no open import jobs (received or waiting)';
  const lines = [`the open import jobs, oldest first (${open.jobs.length}${open.partial ? '+' : ''}):`];
  for (const job of open.jobs.slice(0, OPEN_JOBS_SHOWN)) {
    lines.push(`  ${job.import_id}  ${job.state}  since ${job.received_at ?? '-'}  ${job.name ?? '-'}`);
  }
  if (open.jobs.length > OPEN_JOBS_SHOWN || open.partial) {
    const states = [...new Set(open.jobs.map((j) => j.state))];
    lines.push(`  ... all of them: ${states.map((state) => ctx.command('stock', 'list', '--state', state)).join('; ')}`);
  }
  lines.push(`if one is stuck, fail it to free its place: ${ctx.command('stock', 'fail', open.jobs[0]!.import_id, '--reason', STUCK_JOB_REASON)}`);
  return lines.join('\n');
}
