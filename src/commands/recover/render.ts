// Text for people: the plan, the closing summary, the Markdown incident report and the commands to type
// next. Pure string building; the handler hands the strings to the output layer (or to a file).
import type { ChalkInstance } from 'chalk';
import { formatDuration } from '../../input/time.js';
import type { EventRecord } from '../../workflows/recover/journal.js';
import { type PlanEvent, type PlanSummary, type RecoverPlan } from '../../workflows/recover/plan.js';
import type { EventNameOutcome } from '../../workflows/recover/session.js';
import type { PublishedFigures, RecoverReport } from '../../workflows/recover/run-recover.js';

function shortTime(iso: string | undefined | null): string {
  if (!iso) return '?';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').replace(/(:\d\d)\.\d+Z$/, '$1Z').replace(/Z$/, ' UTC');
}

function pad(text: string | number, width: number, right = false): string {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

/** The plan as a small table by event name, with its span, its estimated duration and what follows. */
export function renderPlan(
  s: ChalkInstance,
  summary: PlanSummary,
  options: { integration: string; estimateMs: number | undefined; estimateSamples?: number; concurrency: number; adaptive?: boolean; start: boolean; watchMs: number; heading: string },
): string {
  const lines: string[] = [s.bold(options.heading)];
  if (summary.total === 0) {
    lines.push('  no rejected events to handle');
  } else {
    const names = Object.keys(summary.by_event);
    const width = Math.max(5, ...names.map((n) => n.length)) + 2;
    const showDrop = summary.drop > 0;
    const showSkip = summary.skip > 0;
    const head = [pad('event', width), pad('retry', 6, true), showDrop ? pad('delete', 7, true) : '', showSkip ? pad('skip', 6, true) : ''];
    lines.push(`  ${s.dim(head.join(''))}`);
    const row = (name: string, c: { retry: number; drop: number; skip: number }): string =>
      `  ${pad(name, width)}${pad(c.retry, 6, true)}${showDrop ? pad(c.drop, 7, true) : ''}${showSkip ? pad(c.skip, 6, true) : ''}`;
    for (const name of names) lines.push(row(name, summary.by_event[name]!));
    if (names.length > 1) lines.push(s.dim(row('total', summary)));
    const span =
      summary.oldest && summary.newest && summary.oldest !== summary.newest
        ? `rejected ${shortTime(summary.oldest.rejected_at)} … ${shortTime(summary.newest.rejected_at)}`
        : `rejected ${shortTime(summary.oldest?.rejected_at)}`;
    lines.push(`  ${summary.total} event${summary.total === 1 ? '' : 's'} of ${summary.entities} entit${summary.entities === 1 ? 'y' : 'ies'}, oldest first (${span})`);
    const calls = summary.retry + summary.drop;
    if (calls > 0) {
      const lanes =
        options.adaptive || options.concurrency > 1
          ? `up to ${options.concurrency} entities at a time${options.adaptive ? ' as the tenant allows (--concurrency auto)' : ''}; the events of one entity (order) one by one, in this order`
          : 'one at a time, in this order';
      // Under auto the estimate is at the cap: the least the run can take, when the tenant allows it.
      const estimate =
        options.estimateMs === undefined
          ? `time not known yet (no retry or delete of ${options.integration} measured so far; the progress line shows the pace)`
          : `estimated ${options.adaptive ? 'at least ' : ''}${formatDuration(options.estimateMs)} (from ${options.estimateSamples} measured call${options.estimateSamples === 1 ? '' : 's'} of earlier runs)`;
      lines.push(`  ${estimate}, ${lanes}`);
    }
  }
  lines.push(
    options.start
      ? `  then: check that no rejected events remain, start ${options.integration}${options.watchMs > 0 ? ` and watch it for ${formatDuration(options.watchMs)}` : ''}`
      : `  then: check that no rejected events remain (not starting it)`,
  );
  return lines.join('\n');
}

/** The closing summary (stdout in table/tsv mode; --output json prints the report object instead). */
export function renderSummary(report: RecoverReport, details: { ending: string; hints: string[] }): string {
  const r = report.results;
  const parts = [`${r.delivered} delivered`, `${r.deleted} deleted`, `${r.gone} gone`, `${r.failed} failed`, `${r.skipped} skipped`];
  const lines = [
    `${report.integration}: ${parts.join(', ')}; ${r.remaining === 0 ? 'no rejected events remain' : `${r.remaining} rejected event${r.remaining === 1 ? '' : 's'} remain`}.`,
    details.ending,
  ];
  const meta = [report.run_id ? `run ${report.run_id}` : report.dry_run ? 'dry run' : 'nothing changed', formatDuration(report.duration_ms)];
  if (report.journal) meta.push(`journal ${report.journal}`);
  lines.push(meta.join(' · '));
  for (const hint of details.hints) lines.push(hint);
  return lines.filter(Boolean).join('\n');
}

/** "57 attempts: 55 succeeded, 2 failed (3.5% failed)" */
export function publishedLine(f: PublishedFigures): string {
  const rate = f.failure_rate === null ? '' : ` (${(f.failure_rate * 100).toFixed(1)}% failed)`;
  return `${f.attempts} attempt${f.attempts === 1 ? '' : 's'}: ${f.succeeded} succeeded, ${f.failed} failed${rate}`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown incident report (--report FILE.md). */
export function renderMarkdownReport(input: {
  report: RecoverReport;
  plan: RecoverPlan;
  diagnosis: string;
  byName: EventNameOutcome[];
  failures: EventRecord[];
  ending: string;
  exitCode: number;
  actor: string;
  startedAt: Date;
  command: string;
}): string {
  const { report, plan } = input;
  const out: string[] = [];
  out.push(`# Recovery of ${report.integration} (tenant ${report.tenant})`, '');
  out.push(`- Started: ${input.startedAt.toISOString()} by ${input.actor}`);
  out.push(`- Duration: ${formatDuration(report.duration_ms)}`);
  out.push(`- Run: ${report.run_id ?? '(dry run)'}${report.journal ? ` · journal \`${report.journal}\`` : ''}`);
  out.push(`- Command: \`${input.command}\``);
  out.push(`- Exit code: ${input.exitCode}`, '');
  out.push('## Why it stopped', '', input.diagnosis, '');
  out.push('## What was done', '');
  const rules = [...plan.rules.drop.map((r) => `--drop ${r}`), ...plan.rules.skip.map((r) => `--skip ${r}`), ...plan.rules.only.map((r) => `--only ${r}`)];
  out.push(`${plan.events.length} rejected events, applied oldest first (rejected_at, published_at, id)${rules.length ? `; rules: ${rules.map((r) => `\`${r}\``).join(', ')}` : ''}.`, '');
  if (input.byName.length) {
    out.push('| event | planned retry | planned delete | planned skip | delivered | deleted | gone | failed | skipped | not done |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of input.byName) {
      out.push(`| ${mdCell(row.name)} | ${row.planned.retry} | ${row.planned.drop} | ${row.planned.skip} | ${row.delivered} | ${row.deleted} | ${row.gone} | ${row.failed} | ${row.skipped} | ${row.open} |`);
    }
    out.push('');
  }
  if (input.failures.length) {
    out.push('### Not delivered', '');
    for (const f of input.failures.slice(0, 50)) {
      const answer = f.receiver_answer ?? f.error ?? '';
      out.push(`- \`${f.event_id}\` ${f.event_name}: ${f.receiver_status ? `HTTP ${f.receiver_status} ` : ''}${mdCell(answer)}`);
    }
    if (input.failures.length > 50) out.push(`- … and ${input.failures.length - 50} more (see the journal)`);
    out.push('');
  }
  out.push('## Outcome', '');
  const r = report.results;
  out.push(`- Delivered ${r.delivered}, deleted ${r.deleted}, gone ${r.gone} (no longer rejected before nsx touched them), failed ${r.failed}, skipped ${r.skipped}; ${r.remaining} rejected events remain.`);
  out.push(`- ${input.ending}`);
  out.push(`- Status after: ${report.status_after}${report.started ? ' (started by this run)' : ''}.`, '');
  const p = report.published;
  if (p) {
    out.push('## What NewStore published since the start', '');
    if (p.error !== undefined) {
      out.push(`The published events since ${p.since} could not be read: ${mdCell(p.error)}. The run was judged without them.`, '');
    } else {
      out.push(`Delivery attempts NewStore made for ${report.integration} from ${p.since} to the end of the watch (published events, retries included):`, '');
      out.push('| attempts | succeeded | failed | failure rate |', '|---:|---:|---:|---:|');
      out.push(`| ${p.attempts} | ${p.succeeded} | ${p.failed} | ${p.failure_rate === null ? '–' : `${(p.failure_rate * 100).toFixed(1)}%`} |`, '');
    }
  }
  return `${out.join('\n')}\n`;
}

/** "order.created evt-1 (order ord-7)" for messages. */
export function describeEvent(e: Pick<PlanEvent, 'name' | 'id' | 'entity'> | Pick<EventRecord, 'event_name' | 'event_id' | 'entity'>): string {
  const name = 'name' in e ? e.name : e.event_name;
  const id = 'id' in e ? e.id : e.event_id;
  return `${name} ${id}${e.entity && e.entity !== id ? ` (entity ${e.entity})` : ''}`;
}
