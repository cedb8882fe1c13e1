// Progress while events are applied, on stderr: a live line on a terminal (done/total, rate, ETA), one JSON
// line per event with --progress ndjson (CI logs), a line every 10 s when stderr is a file, or nothing.
import type { Output, Progress } from '../../output/output.js';
import { formatDuration } from '../../input/time.js';
import type { ApplyProgress } from '../../workflows/recover/apply.js';
import type { EventRecord } from '../../workflows/recover/journal.js';

export type ProgressMode = 'auto' | 'ndjson' | 'none';

export interface ApplyDisplay {
  event(record: EventRecord, progress: ApplyProgress): void;
  slowDown(ratePerSecond: number): void;
  /** Removes the live line (before other messages are printed). */
  stop(): void;
}

const FILE_EVERY_MS = 10_000;
const TTY_EVERY_MS = 100;

export function progressLine(p: ApplyProgress, now = performance.now()): string {
  const elapsedS = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = p.done / elapsedS;
  const left = p.total - p.done;
  const eta = rate > 0 ? formatDuration((left / rate) * 1000) : '?';
  const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  return `${p.done}/${p.total} (${pct}%) · ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s · ETA ${eta}${p.level !== undefined ? ` · concurrency ${p.level}` : ''}${p.ratePerSecond ? ` · paced at ${p.ratePerSecond.toFixed(1)}/s` : ''}`;
}

export async function createApplyDisplay(output: Output, mode: ProgressMode, label: string): Promise<ApplyDisplay> {
  if (mode === 'ndjson') {
    return {
      event: (r, p) =>
        output.notice(
          JSON.stringify({
            type: 'event',
            at: r.at,
            event_id: r.event_id,
            event_name: r.event_name,
            entity: r.entity,
            action: r.action,
            outcome: r.outcome,
            receiver_status: r.receiver_status,
            duration_ms: r.duration_ms,
            done: p.done,
            total: p.total,
          }),
        ),
      slowDown: (rate) => output.notice(JSON.stringify({ type: 'pace', at: new Date().toISOString(), rate_per_second: Number(rate.toFixed(2)), reason: 'throttled (429)' })),
      stop: () => {},
    };
  }
  if (mode === 'none') return { event: () => {}, slowDown: () => {}, stop: () => {} };
  if (output.showProgress) {
    const spinner: Progress = await output.spinner(label);
    let last = 0;
    return {
      event: (_r, p) => {
        const now = performance.now();
        if (now - last < TTY_EVERY_MS && p.done < p.total) return;
        last = now;
        spinner.update(`${label} ${progressLine(p, now)}`);
      },
      slowDown: (rate) => spinner.update(`${label} (throttled by the server: slowing to ${rate.toFixed(1)}/s)`),
      stop: () => spinner.stop(),
    };
  }
  let last = performance.now();
  return {
    event: (_r, p) => {
      const now = performance.now();
      if (now - last < FILE_EVERY_MS) return;
      last = now;
      output.info(`  ${progressLine(p, now)}`);
    },
    slowDown: (rate) => output.warn(`the server throttles (429): slowing to ${rate.toFixed(1)} calls/s`),
    stop: () => {},
  };
}
