import type { ArgsOf } from '../define.js';
import type { logout } from './logout.js';
import type { CommandContext } from '../context.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof logout>): Promise<void> {
  const profiles = await import('../../config/profiles.js');
  const { targetProfile } = await import('../config/shared.js');
  const name = await targetProfile(ctx);
  const removed = await profiles.deleteClientSecret(name);
  const { rmSync } = await import('node:fs');
  const { tokenCachePath } = await import('../../config/api-client.js');
  rmSync(tokenCachePath(), { force: true });
  ctx.output.success(removed ? `profile ${name}: client secret and cached tokens removed` : `profile ${name} had no stored secret; cached tokens removed`);
}
