import type { ArgsOf } from '../define.js';
import type { set } from './set.js';
import type { CommandContext } from '../context.js';
import { isCorrectionKey, setCorrection, upsertProfile } from '../../config/profiles.js';
import { profileKey, targetProfile } from './shared.js';

export async function run(ctx: CommandContext, [key, value]: ArgsOf<typeof set>): Promise<void> {
  const name = await targetProfile(ctx, { mayCreate: true });
  const k = profileKey(key);
  if (isCorrectionKey(k)) {
    ctx.output.success(`${name}: ${k} = ${await setCorrection(name, k, String(value))}`);
    return;
  }
  await upsertProfile(name, { [k]: String(value) });
  ctx.output.success(`${name}: ${k} = ${String(value)}`);
}
