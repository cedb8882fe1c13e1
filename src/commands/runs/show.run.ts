import type { ArgsOf } from '../define.js';
import type { show } from './show.js';
import type { CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import { formatDuration } from '../../input/time.js';
import { parseRunId, readRunDetail, type RunDetail } from '../../workflows/runs/history.js';
import { describeResults, describeStatus } from './shared.js';

/** Event outcomes a terminal shows; --json has all of them. */
const SHOWN_EVENTS = 50;

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof show>): Promise<void> {
  const runId = parseRunId(rawId);
  const detail = readRunDetail({ stateDir: stateDir() }, runId);
  const resume = detail.resumable ? ctx.command('runs', 'resume', detail.run_id) : null;
  ctx.output.object({ ...detail, resume_command: resume }, () => render(detail, resume));
}

function render(d: RunDetail, resume: string | null): string {
  const row = (k: string, v: string) => `${k.padEnd(13)}${v}`;
  const o = d.options;
  const rules = d.plan ? [...d.plan.rules.drop.map((r) => `--drop ${r}`), ...d.plan.rules.skip.map((r) => `--skip ${r}`), ...d.plan.rules.only.map((r) => `--only ${r}`)] : [];
  const lines = [
    row('run', `${d.run_id}  ${describeStatus(d)}`),
    row('integration', `${d.integration} (tenant ${d.tenant})`),
    row('source', d.source),
    row('who', `${d.user}@${d.host}`),
    row('started', d.started_at),
    row('ended', d.ended_at ?? (d.status === 'running' ? '(still running)' : '(no end line: the run was cut off)')),
    row('duration', formatDuration(d.duration_ms)),
    row('options', `concurrency ${o.adaptive ? `auto (at most ${o.concurrency})` : o.concurrency}, on error ${o.on_error}, rate ${o.rate_per_second === null ? 'unlimited' : `${o.rate_per_second}/s`}`),
    row('rules', rules.length ? rules.join(' ') : d.plan ? 'none' : '(plan unreadable)'),
    row('plan', d.plan ? `${d.plan.total} events: ${d.plan.retry} retry, ${d.plan.drop} delete, ${d.plan.skip} skip` : `unreadable: ${d.plan_error}`),
    row('results', describeResults(d.results)),
  ];
  if (d.outcome) lines.push(row('outcome', `${d.outcome}, exit ${d.exit_code}${d.message ? `: ${d.message}` : ''}`));
  if (d.in_flight.length) lines.push(row('in flight', `${d.in_flight.length} event(s) sent without a recorded outcome (sent again on resume)`));
  lines.push(row('journal', d.journal));
  if (d.by_event.length) {
    lines.push('', 'By event type:');
    for (const e of d.by_event) {
      const planned = [e.planned.retry && `${e.planned.retry} retry`, e.planned.drop && `${e.planned.drop} delete`, e.planned.skip && `${e.planned.skip} skip`].filter(Boolean).join(', ');
      const came = [e.delivered && `${e.delivered} delivered`, e.deleted && `${e.deleted} deleted`, e.gone && `${e.gone} gone`, e.failed && `${e.failed} failed`, e.skipped && `${e.skipped} skipped`, e.open && `${e.open} open`]
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${e.name}: planned ${planned || 'nothing'}; ${came || 'nothing done'}`);
    }
  }
  if (d.event_outcomes.length) {
    lines.push('', 'Events:');
    for (const e of d.event_outcomes.slice(0, SHOWN_EVENTS)) {
      lines.push(`  ${e.at}  ${e.event_name} ${e.event_id}  ${e.action} -> ${e.outcome}${e.detail ? `  ${e.detail.replace(/\s*\n\s*/g, ' ')}` : ''}`);
    }
    if (d.event_outcomes.length > SHOWN_EVENTS) lines.push(`  … and ${d.event_outcomes.length - SHOWN_EVENTS} more (--json shows them all)`);
  }
  if (resume) lines.push('', `resume: ${resume}`);
  else if (d.status === 'running') lines.push('', `in progress: pid ${d.pid ?? '?'} on ${d.host} is writing this journal`);
  return lines.join('\n');
}
