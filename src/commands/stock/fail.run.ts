// nsx stock fail <import-id> --reason TEXT: set an import job's state to failed ("set import job status to
// failed", NewStore's way out of the open-jobs limit). Confirmed in a terminal, --yes otherwise.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { fail } from './fail.js';
import { parseImportId } from '../../input/ids.js';
import type { CommandContext } from '../context.js';
import { LIMITS, STATUS } from '../../api/routes.js';
import { FailImportRequest, importStateIs, OPEN_IMPORT_STATES } from '../../api/schemas.js';
import { ApiError, PreconditionError, UsageError } from '../../errors.js';
import { confirm } from '../../output/prompts.js';
import { jobFields, keyValueText } from './report.js';

export async function run(ctx: CommandContext, [id]: ArgsOf<typeof fail>, opts: OptionsOf<typeof fail>): Promise<void> {
  const importId = parseImportId(id);
  if (opts.reason === undefined) throw new UsageError('--reason TEXT is required: say why the job is failed (NewStore keeps it as the job\'s reason)');
  const request = FailImportRequest.safeParse({ reason: opts.reason });
  if (!request.success) throw new UsageError(`--reason: ${request.error.issues[0]?.message ?? 'invalid'} (1 to 1000 characters)`);

  await ctx.announce();
  const client = await ctx.client();
  const job = await client.imports.getImport(importId);
  const show = (j: typeof job): void => ctx.output.object({ ...jobFields(j), ...j }, () => keyValueText({ ...jobFields(j), ...j }));
  if (importStateIs(job, 'failed')) {
    show(job);
    ctx.output.info(`import ${importId} has already failed: nothing to do`);
    return;
  }
  if (importStateIs(job, 'finished')) {
    throw new PreconditionError(`import ${importId} has finished: a finished job cannot be set to failed; nothing was sent`);
  }
  const open = OPEN_IMPORT_STATES.some((state) => importStateIs(job, state));
  ctx.output.notice(
    `Failing import ${importId} (${job.state}, ${job.name ?? 'no name'}, received ${job.received_at ?? '-'}): it imports nothing more` +
      (open ? `, and its place among the ${LIMITS.maxOpenImportJobs} open jobs is freed.` : '.'),
  );
  await confirm(ctx.output, `Fail import ${importId}?`, { yes: opts.yes });
  try {
    await client.imports.failImport(importId, request.data);
  } catch (error) {
    if (error instanceof ApiError && error.status === STATUS.duplicateOrLimit) {
      throw new PreconditionError(`NewStore refused to fail import ${importId} (409): it has probably finished meanwhile${error.detail ? ` (${error.detail})` : ''}`);
    }
    throw error;
  }
  const after = await client.imports.getImport(importId);
  show(after);
  if (importStateIs(after, 'failed')) ctx.output.success(`import ${importId} is now failed: ${after.reason ?? request.data.reason}`);
  else ctx.output.warn(`NewStore accepted the call but import ${importId} is ${after.state}`);
}
