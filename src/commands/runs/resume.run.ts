import type { ArgsOf, OptionsOf } from '../define.js';
import type { resume } from './resume.js';
import { targetTenant, type CommandContext } from '../context.js';
import { stateDir } from '../../config/paths.js';
import { PreconditionError, UsageError } from '../../errors.js';
import { findRunSummary, parseRunId } from '../../workflows/runs/history.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof resume>, opts: OptionsOf<typeof resume>): Promise<void> {
  const runId = parseRunId(rawId);
  const found = findRunSummary({ stateDir: stateDir() }, runId);
  const recover = await import('../recover/run.js');
  const flags = { ...opts, resume: runId };
  recover.parseRecoverFlags(found.integration, flags); // a bad --watch or --report is exit 2 before anything else
  if (found.status === 'running') {
    throw new PreconditionError(`run ${runId} is running: pid ${found.pid ?? '?'} on ${found.host} is writing its journal`, { hint: `watch it with: ${ctx.command('runs', 'show', runId)}` });
  }
  if (found.source === 'triage' || found.source === 'rejected') {
    const again = found.source === 'triage' ? ctx.command('rejected', 'triage', found.integration) : ctx.command('rejected', 'list', found.integration);
    throw new PreconditionError(`run ${runId} is a ${found.source === 'triage' ? 'rejected triage session' : 'rejected retry/delete run'}: only recover runs are resumed (a person chose these events)`, {
      hint: `look at what is left with: ${again}`,
    });
  }
  if (!found.resumable) {
    throw new PreconditionError(`run ${runId} already ended (${found.outcome ?? found.status}): there is nothing to resume`, { hint: `plan anew with: ${ctx.command('recover', found.integration, '--dry-run')}` });
  }
  const tenant = targetTenant(await ctx.settings());
  if (tenant !== found.tenant) {
    throw new UsageError(`run ${runId} is a run of tenant ${found.tenant}; this command targets tenant ${tenant}`, { hint: `choose the run's tenant with --profile NAME or --tenant ${found.tenant}` });
  }
  // recover --resume itself: one code path for both spellings.
  await recover.run(ctx, [found.integration], flags);
}
