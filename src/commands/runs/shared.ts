// What the runs verbs share: the columns of a run in tables and tsv, and the words of a run's state.
import { formatDuration } from '../../input/time.js';
import type { Column } from '../../output/output.js';
import type { RunSummary } from '../../workflows/runs/history.js';
import type { OutcomeCounts } from '../../workflows/rejected/outcomes.js';

/** "98 delivered, 2 deleted, 1 failed": the outcomes that happened, in the order of the vocabulary. */
export function describeResults(r: OutcomeCounts): string {
  const words = (Object.entries(r) as Array<[keyof OutcomeCounts, number]>).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace('_', ' ')}`);
  return words.length ? words.join(', ') : 'none';
}

/** "running (pid 4242)", "failed (stopped_on_error)", "interrupted". */
export function describeStatus(run: RunSummary): string {
  if (run.status === 'running') return `running (pid ${run.pid ?? '?'}${run.host ? ` on ${run.host}` : ''})`;
  if (run.status === 'failed' && run.outcome) return `failed (${run.outcome})`;
  return run.status;
}

export const RUN_COLUMNS: Column<RunSummary>[] = [
  { header: 'RUN', value: (r) => r.run_id },
  { header: 'STATUS', value: (r) => (r.status === 'running' ? `running pid ${r.pid ?? '?'}` : r.status) },
  { header: 'TENANT', value: (r) => r.tenant },
  { header: 'INTEGRATION', value: (r) => r.integration },
  { header: 'SOURCE', value: (r) => r.source },
  { header: 'STARTED', value: (r) => r.started_at },
  { header: 'DURATION', value: (r) => formatDuration(r.duration_ms) },
  { header: 'EVENTS', value: (r) => r.events },
  { header: 'RESULTS', value: (r) => describeResults(r.results), maxWidth: 60 },
];
