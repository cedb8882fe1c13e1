// Shared by the runs tests: a demo sandbox whose recover stops on the first order.items_cancelled (a
// failed, resumable run), and journals and locks written by hand (old runs, crashed runs, live runs).
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { setReceiverRule } from '../recover/recover-sandbox.js';
import { PLAN_FORMAT } from '../../../src/workflows/recover/plan.js';

export async function demoSandbox(rule = 'accept-all'): Promise<InProcessSandboxHarness> {
  const h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0, deliveryTimeoutMs: 30_000 });
  await setReceiverRule(h, rule);
  await h.admin('DELETE', '/_sandbox/receiver/log');
  return h;
}

export const RUN_ID = /\d{8}T\d{6}Z-[0-9a-f]{4}/;

export interface HandJournal {
  runId: string;
  tenant?: string;
  integration?: string;
  source?: 'recover' | 'plan-in' | 'triage' | 'rejected';
  startedAt?: string;
  /** Event lines: [event id, outcome]. */
  events?: Array<[string, string]>;
  /** The end line; none = cut off. */
  end?: { outcome: string; resumable: boolean; exit_code: number; message?: string };
  /** The journal's modification time. */
  mtime?: Date;
}

/** A journal (and its plan) in the format recover writes, by hand. */
export function writeJournal(stateDir: string, j: HandJournal): string {
  const dir = join(stateDir, 'runs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tenant = j.tenant ?? 'sandbox';
  const integration = j.integration ?? 'erp-orders';
  const at = j.startedAt ?? '2026-11-20T08:15:02.000Z';
  const events = j.events ?? [];
  const planFile = join(dir, `${j.runId}.plan.json`);
  const plan = {
    format: PLAN_FORMAT,
    version: 1,
    tenant,
    integration,
    created_at: at,
    rules: { drop: [], skip: [], only: [] },
    events: events.map(([id]) => ({ id, name: 'order.created', entity: `order:${id}`, rejected_at: at, published_at: at, action: 'retry' })),
  };
  writeFileSync(planFile, JSON.stringify(plan), { mode: 0o600 });
  const lines: unknown[] = [
    {
      type: 'run',
      version: 1,
      run_id: j.runId,
      tenant,
      integration,
      started_at: at,
      user: userInfo().username,
      host: hostname(),
      pid: 999_999,
      plan_file: planFile,
      plan_summary: { total: events.length, retry: events.length, drop: 0, skip: 0, by_event: {} },
      options: { concurrency: 1, on_error: 'stop', rate_per_second: null, source: j.source ?? 'recover' },
    },
    ...events.map(([id, outcome]) => ({
      type: 'event',
      at,
      user: 'ops@box',
      tenant,
      integration,
      event_id: id,
      event_name: 'order.created',
      entity: `order:${id}`,
      action: 'retry',
      outcome,
      receiver_status: outcome === 'delivered' ? 200 : 400,
      duration_ms: 12,
    })),
  ];
  if (j.end) lines.push({ type: 'end', at: new Date(Date.parse(at) + 65_000).toISOString(), ...j.end });
  const path = join(dir, `${j.runId}.jsonl`);
  writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600 });
  if (j.mtime) {
    utimesSync(path, j.mtime, j.mtime);
    utimesSync(planFile, j.mtime, j.mtime);
  }
  return path;
}

/** The lock a live run holds (as acquireLock writes it). */
export function writeLock(stateDir: string, o: { tenant?: string; integration?: string; runId: string; pid: number }): void {
  const dir = join(stateDir, 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const holder = { pid: o.pid, host: hostname(), user: userInfo().username, started_at: '2026-11-20T08:15:02.000Z', run_id: o.runId, command: 'nsx recover erp-orders --yes', token: 'abc' };
  writeFileSync(join(dir, `${o.tenant ?? 'sandbox'}--${o.integration ?? 'erp-orders'}.lock`), `${JSON.stringify(holder)}\n`, { mode: 0o600 });
}
