import type { CommandContext } from '../context.js';
import { NotFoundError } from '../../errors.js';
import { listProfiles, useProfile } from '../../config/profiles.js';

export async function run(ctx: CommandContext, [name]: unknown[]): Promise<void> {
  const profiles = listProfiles();
  const profile = String(name);
  if (!profiles[profile]) {
    const known = Object.keys(profiles);
    throw new NotFoundError(`profile "${profile}" does not exist`, {
      hint: known.length ? `known profiles: ${known.join(', ')}` : 'create one: nsx auth login --profile NAME --tenant TENANT',
    });
  }
  await useProfile(profile);
  ctx.output.success(`now using profile ${profile}`);
}
