import type { ArgsOf, OptionsOf } from '../define.js';
import type { exportEvents } from './export.js';
import { resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { InterruptedError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { checkWritableTarget, writePrivateFileStreaming } from '../../config/secure-files.js';
import { readRejected } from '../../workflows/rejected/listing.js';
import { rejectedFilter } from './shared.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof exportEvents>, opts: OptionsOf<typeof exportEvents>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const filter = rejectedFilter(opts);
  const toFile = opts.file !== undefined && opts.file !== '-';
  const path = toFile ? resolve(opts.file as string) : undefined;
  if (path) checkWritableTarget(path, { overwrite: Boolean(opts.force) });

  ctx.handleInterrupts();
  const api = (await ctx.client()).eventstream;
  const events = readRejected(api, id, { filter, signal: ctx.signal });
  const exportTo = async (write: (line: string) => Promise<void> | boolean): Promise<number> => {
    let count = 0;
    try {
      for await (const event of events) {
        await write(`${JSON.stringify(event)}\n`);
        count++;
      }
    } catch (error) {
      if (ctx.signal.aborted) throw new InterruptedError(path ? `interrupted: ${path} was not written` : 'interrupted');
      throw error;
    }
    return count;
  };

  if (!path) {
    // Always NDJSON, whatever --output says: an export is meant for files, jq and re-imports.
    const count = await exportTo(async (line) => {
      if (!ctx.output.writeData(line)) await ctx.output.drain();
    });
    ctx.output.info(`exported ${count} rejected event${count === 1 ? '' : 's'} of ${id}`);
    return;
  }
  const count = await writePrivateFileStreaming(path, exportTo, { overwrite: Boolean(opts.force) });
  ctx.output.success(`exported ${count} rejected event${count === 1 ? '' : 's'} of ${id} to ${path} (mode 0600)`);
}
