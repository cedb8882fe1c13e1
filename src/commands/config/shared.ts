import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { PROFILE_KEYS, isCorrectionKey, isProfileKey, type CorrectionKey, type ProfileKey } from '../../config/profiles.js';

/**
 * The profile a config command acts on: --profile, NSX_PROFILE, else the current one. A profile named
 * by flag or env that does not exist is exit 2 with the wording every command uses (unknownProfile);
 * `mayCreate` (config set) makes it instead.
 */
export async function targetProfile(ctx: CommandContext, options: { mayCreate?: boolean } = {}): Promise<string> {
  const { currentProfileName, getProfile } = await import('../../config/profiles.js');
  const named = ctx.globals.profile ?? ctx.io.env.NSX_PROFILE;
  if (named !== undefined && named !== '' && !options.mayCreate && !getProfile(named)) throw await unknownProfile(named);
  return named || currentProfileName();
}

/** `profile "x" does not exist` (exit 2), worded as resolveSettings words it. */
export async function unknownProfile(name: string): Promise<UsageError> {
  const { unknownProfileError } = await import('../../config/profiles.js');
  return unknownProfileError(name);
}

export function profileKey(key: unknown): ProfileKey | CorrectionKey {
  if (typeof key !== 'string' || !(isProfileKey(key) || isCorrectionKey(key))) {
    const hint = key === 'client-secret' || key === 'client_secret' ? ' (set the secret with: nsx auth login)' : '';
    throw new UsageError(`unknown config key "${String(key)}"; keys: ${PROFILE_KEYS.join(', ')}, routes.ROUTE, pagination.offset|count|page-size${hint}`);
  }
  return key;
}
