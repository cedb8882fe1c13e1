// nsx stock status <import-id> [--wait]: the job's state, reason and item errors; exit 6 when it failed,
// 7 when --wait ran out while it was still going.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { status } from './status.js';
import { parseImportId } from '../../input/ids.js';
import type { CommandContext } from '../context.js';
import { importStateIs } from '../../api/schemas.js';
import { formatDuration } from '../../input/time.js';
import { failedItems, waitForImport, type WaitOutcome } from '../../workflows/stock/wait.js';
import { jobFields, keyValueText, Phases, throwForOutcome, waitBudgetMs } from './report.js';

export async function run(ctx: CommandContext, [id]: ArgsOf<typeof status>, opts: OptionsOf<typeof status>): Promise<void> {
  const importId = parseImportId(id);
  const budgetMs = waitBudgetMs(ctx, opts, false);
  const client = await ctx.client();
  const started = Date.now();
  let outcome: WaitOutcome;
  if (opts.wait) {
    ctx.handleInterrupts();
    const phases = new Phases(ctx.output);
    await phases.start(`import ${importId}: waiting`);
    try {
      outcome = await waitForImport(client, importId, { deadline: started + budgetMs, signal: ctx.signal }, {
        polled: (job, waitedMs) => phases.update(`import ${importId}: ${job.state} (${formatDuration(waitedMs)})`),
      });
    } finally {
      phases.stop();
    }
  } else {
    const job = await client.imports.getImport(importId);
    outcome = { job, ...(importStateIs(job, 'failed') ? await failedItems(client, importId) : { errors: [], errorsTotal: 0 }), timedOut: false };
  }
  const { job } = outcome;
  const result = {
    ...jobFields(job),
    ...job,
    errors: outcome.errors,
    errors_total: outcome.errorsTotal,
  };
  // People read the item errors in the failure message on stderr; stdout keeps the job's fields.
  ctx.output.object(result, () => keyValueText({ ...result, errors: undefined, errors_total: undefined }));
  throwForOutcome(ctx, job, { ...outcome, waitedMs: Date.now() - started });
}
