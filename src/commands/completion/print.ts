import type { ArgsOf } from '../define.js';
import type { completion } from './index.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { completionScript, SHELLS, type Shell } from './generate.js';

export async function run(ctx: CommandContext, [shell]: ArgsOf<typeof completion>): Promise<void> {
  if (!(SHELLS as readonly unknown[]).includes(shell)) throw new UsageError(`shell must be one of ${SHELLS.join(', ')}`);
  // Generated from the live command tree: the same text as the checked-in completions/ files.
  const { buildProgram } = await import('../../cli.js');
  ctx.output.writeData(completionScript(buildProgram(), shell as Shell));
}
