import type { ArgsOf } from '../define.js';
import type { unset } from './unset.js';
import type { CommandContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import { getProfile, profileValue, unsetProfileKey } from '../../config/profiles.js';
import { profileKey, targetProfile } from './shared.js';

export async function run(ctx: CommandContext, [key]: ArgsOf<typeof unset>): Promise<void> {
  const name = await targetProfile(ctx);
  const k = profileKey(key);
  if (profileValue(getProfile(name), k) === undefined) throw new NotFoundError(`${k} is not set in profile ${name}`);
  await unsetProfileKey(name, k);
  ctx.output.success(`${name}: ${k} unset`);
}
