import type { ArgsOf } from '../define.js';
import type { get } from './get.js';
import type { CommandContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import { getProfile, profileValue } from '../../config/profiles.js';
import { profileKey, targetProfile } from './shared.js';

export async function run(ctx: CommandContext, [key]: ArgsOf<typeof get>): Promise<void> {
  const name = await targetProfile(ctx);
  const k = profileKey(key);
  const value = profileValue(getProfile(name), k);
  if (value === undefined) throw new NotFoundError(`${k} is not set in profile ${name}`);
  ctx.output.object({ profile: name, key: k, value }, () => value);
}
