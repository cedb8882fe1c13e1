import type { ArgsOf } from '../define.js';
import type { use } from './use.js';
import type { CommandContext } from '../context.js';
import { listProfiles, useProfile } from '../../config/profiles.js';
import { unknownProfile } from './shared.js';

export async function run(ctx: CommandContext, [name]: ArgsOf<typeof use>): Promise<void> {
  const profiles = listProfiles();
  const profile = String(name);
  if (!profiles[profile]) throw await unknownProfile(profile);
  await useProfile(profile);
  ctx.output.success(`now using profile ${profile}`);
}
