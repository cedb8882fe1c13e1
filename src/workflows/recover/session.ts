// The bookkeeping of one recover run, pure: what is left to do when a run is resumed, and the tally of
// outcomes for the report.
import type { RejectedEvent } from '../../api/schemas.js';
import { isFinalOutcome, type EventRecord } from './journal.js';
import type { PlanEvent, RecoverPlan } from './plan.js';
import { countOutcomes, JOURNAL_OUTCOMES, notDone } from '../rejected/outcomes.js';

export interface ResumeState {
  /** Plan events still to apply, in plan order. */
  todo: PlanEvent[];
  /** Plan events with no final outcome that are no longer on the server (handled before a crash, or elsewhere). */
  goneMeanwhile: PlanEvent[];
  /** Rejected events on the server that the plan does not mention (left alone: the plan is applied as made). */
  unmentioned: RejectedEvent[];
  /** Plan events already finished in earlier sessions. */
  finished: number;
}

/**
 * What a resumed (or --plan-in) run still has to do: plan events without a final outcome that are still on
 * the server. An event whose outcome was never written is done again; delivery is at-least-once.
 */
export function resumeState(plan: RecoverPlan, outcomes: ReadonlyMap<string, EventRecord>, onServer: readonly RejectedEvent[]): ResumeState {
  const server = new Set(onServer.map((e) => e.id));
  const planned = new Set(plan.events.map((e) => e.id));
  const state: ResumeState = { todo: [], goneMeanwhile: [], unmentioned: onServer.filter((e) => !planned.has(e.id)), finished: 0 };
  for (const event of plan.events) {
    const last = outcomes.get(event.id);
    if (last && isFinalOutcome(last.outcome)) state.finished++;
    else if (event.action !== 'skip' && !server.has(event.id)) state.goneMeanwhile.push(event);
    else state.todo.push(event);
  }
  return state;
}

export interface RecoverResults {
  delivered: number;
  deleted: number;
  /** Plan events no longer rejected on the server before nsx touched them (handled elsewhere): neither delivered nor deleted by this run. */
  gone: number;
  failed: number;
  skipped: number;
  remaining: number;
}

/**
 * The report's results over the whole run (every session of it): the latest outcome of each plan event,
 * counted in the one vocabulary (rejected/outcomes.ts); `failed` holds the still rejected and the failed.
 */
export function tallyResults(outcomes: ReadonlyMap<string, EventRecord>, remaining: number): RecoverResults {
  const c = countOutcomes(outcomes.values());
  return { delivered: c.delivered, deleted: c.deleted, gone: c.gone, failed: notDone(c), skipped: c.skipped, remaining };
}

/** Per event name: what was planned and what came of it (for the human summary and the Markdown report). */
export interface EventNameOutcome {
  name: string;
  planned: { retry: number; drop: number; skip: number };
  delivered: number;
  deleted: number;
  gone: number;
  failed: number;
  skipped: number;
  open: number;
}

export function outcomesByEventName(plan: RecoverPlan, outcomes: ReadonlyMap<string, EventRecord>): EventNameOutcome[] {
  const rows = new Map<string, EventNameOutcome>();
  for (const event of plan.events) {
    let row = rows.get(event.name);
    if (!row) {
      row = { name: event.name, planned: { retry: 0, drop: 0, skip: 0 }, delivered: 0, deleted: 0, gone: 0, failed: 0, skipped: 0, open: 0 };
      rows.set(event.name, row);
    }
    row.planned[event.action]++;
    const kind = outcomes.get(event.id)?.outcome;
    const out = kind === undefined ? undefined : JOURNAL_OUTCOMES[kind];
    if (out === undefined) row.open++;
    else if (out === 'still_rejected' || out === 'failed') row.failed++;
    else row[out]++;
  }
  return [...rows.values()];
}
