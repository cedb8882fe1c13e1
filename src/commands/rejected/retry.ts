import type { CommandContext } from '../context.js';
import { runBatch, type BatchOptions } from './batch.js';

export function run(ctx: CommandContext, args: unknown[], opts: BatchOptions): Promise<void> {
  return runBatch(ctx, 'retry', args, opts);
}
