import type { ArgsOf, OptionsOf } from '../define.js';
import type { deleteIntegration } from './delete.js';
import type { CommandContext } from '../context.js';
import { cachedIntegrationIds, rememberIntegrationIds } from '../../config/id-cache.js';
import { InterruptedError, NsxError } from '../../errors.js';
import { confirmByTyping } from '../../output/prompts.js';
import { checkExportDir, exportIntegration, type ExportSummary } from './export-integration.js';
import { describeDestination } from './shared.js';
import { statusName } from '../../api/schemas.js';
import { parseIntegrationId } from '../../input/ids.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof deleteIntegration>, opts: OptionsOf<typeof deleteIntegration>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const exportDir = opts.export === undefined ? undefined : checkExportDir(opts.export);
  await ctx.announce();
  const client = await ctx.client();
  const integration = await client.eventstream.getIntegration(id);

  ctx.output.notice(
    `Deleting ${id} (${statusName(integration.status)}, ${describeDestination(integration)}) also deletes its log entries and rejected events in NewStore. This cannot be undone.`,
  );
  if (!exportDir) ctx.output.notice(`To keep a copy first: ${ctx.command('integrations', 'delete', id, '--export', 'DIR')}`);
  await confirmByTyping(ctx.output, `Delete integration ${id}?`, id, { yes: opts.yes });

  let exported: ExportSummary | undefined;
  if (exportDir) {
    ctx.handleInterrupts(); // Ctrl-C during the export removes the partial files and deletes nothing
    const progress = await ctx.output.spinner(`exporting ${id} to ${exportDir}`);
    try {
      exported = await exportIntegration(client, integration, exportDir, ctx.signal);
    } catch (error) {
      progress.fail(`export of ${id} failed`);
      if (ctx.signal.aborted) throw new InterruptedError(`interrupted during the export: ${id} was NOT deleted`);
      const why = error instanceof Error ? error.message : String(error);
      throw new NsxError(`export to ${exportDir} failed, so ${id} was NOT deleted: ${why}`, error instanceof NsxError ? error.exitCode : undefined);
    }
    progress.succeed(`exported ${exported.logs} log ${exported.logs === 1 ? 'entry' : 'entries'} and ${exported.rejected_events} rejected event${exported.rejected_events === 1 ? '' : 's'} to ${exportDir}`);
    if (ctx.signal.aborted) throw new InterruptedError(`interrupted: ${id} was NOT deleted (the export in ${exportDir} is complete)`);
  }

  await client.eventstream.deleteIntegration(id);
  rememberIntegrationIds(ctx.globals, cachedIntegrationIds(ctx.globals).filter((x) => x !== id));
  if (ctx.output.isJson) ctx.output.object({ id, deleted: true, export: exported ?? null }, () => '');
  else ctx.output.success(`deleted ${id}${exported ? ` (a copy is in ${exported.dir})` : ''}`);
}
