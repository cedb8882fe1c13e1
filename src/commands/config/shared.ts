import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { PROFILE_KEYS, isCorrectionKey, isProfileKey, type CorrectionKey, type ProfileKey } from '../../config/profiles.js';

/** The profile a config command acts on: --profile, NSX_PROFILE, else the current one. */
export async function targetProfile(ctx: CommandContext): Promise<string> {
  const { currentProfileName } = await import('../../config/profiles.js');
  return ctx.globals.profile ?? process.env.NSX_PROFILE ?? currentProfileName();
}

export function profileKey(key: unknown): ProfileKey | CorrectionKey {
  if (typeof key !== 'string' || !(isProfileKey(key) || isCorrectionKey(key))) {
    const hint = key === 'client-secret' || key === 'client_secret' ? ' (set the secret with: nsx auth login)' : '';
    throw new UsageError(`unknown config key "${String(key)}"; keys: ${PROFILE_KEYS.join(', ')}, routes.ROUTE, pagination.offset|count|page-size${hint}`);
  }
  return key;
}
