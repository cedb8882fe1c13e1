import { defineCommand, flag } from '../define.js';

export const status = defineCommand({
  name: 'status',
  summary: 'for each profile: tenant, stage, where the secret comes from, and whether a fresh token can be obtained now',
  options: {
    allProfiles: flag('--all-profiles', 'every saved profile, not only the one in effect'),
  },
  help: `Asks the token endpoint for a fresh token (the token cache is not read), as nsx whoami does, and
says when it expires. The secret is never printed: only where it comes from (file: the credentials file
of the config dir; env: NSX_CLIENT_SECRET; none). A profile without a tenant, client id or secret is
reported as unable to authenticate, not an error. With NSX_TOKEN set, that token is used and not checked.`,
  examples: ['nsx auth status', 'nsx auth status --all-profiles', 'nsx --sandbox auth status --json'],
  footer: 'Exit codes: 0 every profile shown can authenticate; 4 one cannot; 1 a token endpoint could not be reached.',
  async run(ctx, args, opts): Promise<void> {
    await (await import('./status.run.js')).run(ctx, args, opts);
  },
});
