// Step 4 of recover: a person agrees to the changes (or --yes did). Asked only when the run changes
// something on the server; the time spent answering is not the run's.
import type { PlanSummary } from '../plan.js';
import type { ConfirmRequest } from '../run-recover.js';

/** What a person is asked to agree to, or undefined when the run changes nothing (no call to make, no start). */
export function consentNeeded(todo: Pick<PlanSummary, 'retry' | 'drop'>, willStart: boolean): ConfirmRequest | undefined {
  return todo.retry + todo.drop > 0 || willStart ? { retry: todo.retry, drop: todo.drop, willStart } : undefined;
}

/**
 * Asks, when there is something to agree to; `ask` resolves to go ahead and throws to refuse (the refusal
 * ends the run before anything is sent). promptMs: the time the question was open.
 */
export async function confirmPlan(request: ConfirmRequest | undefined, ask: (request: ConfirmRequest) => Promise<void>): Promise<{ asked: boolean; promptMs: number }> {
  if (!request) return { asked: false, promptMs: 0 };
  const opened = performance.now();
  await ask(request);
  return { asked: true, promptMs: performance.now() - opened };
}
