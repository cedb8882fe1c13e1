import type { ArgsOf } from '../define.js';
import type { list } from './list.js';
import type { CommandContext } from '../context.js';
import { currentProfileName, getClientSecret, listProfiles, profileCorrections, PROFILE_KEYS } from '../../config/profiles.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof list>): Promise<void> {
  const current = currentProfileName();
  const rows = Object.entries(listProfiles()).map(([name, { routes: _routes, pagination: _pagination, ...profile }]) => ({
    name,
    current: name === current,
    ...profile,
    client_secret: getClientSecret(name) ? 'stored' : 'none',
    overrides: profileCorrections({ routes: _routes, pagination: _pagination }),
  }));
  await ctx.output.list(
    rows,
    [
      { header: '', value: (r) => (r.current ? '*' : '') },
      { header: 'PROFILE', value: (r) => r.name },
      ...PROFILE_KEYS.map((k) => ({ header: k.toUpperCase(), value: (r: (typeof rows)[number]) => r[k] })),
      { header: 'SECRET', value: (r) => r.client_secret },
      // Corrections of assumed routes and pagination, as `nsx config set` takes them.
      { header: 'OVERRIDES', value: (r) => Object.entries(r.overrides).map(([k, v]) => `${k}=${v}`).join('; ') || undefined },
    ],
    { empty: 'no profiles yet: nsx auth login --profile NAME --tenant TENANT' },
  );
}
