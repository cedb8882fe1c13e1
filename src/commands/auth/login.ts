import { defineCommand, flag, value } from '../define.js';

export const login = defineCommand({
  name: 'login',
  summary: 'save client credentials for a profile and check that they obtain a token',
  options: {
    clientId: value('--client-id <id>', 'API client id (prompted for in a terminal)'),
    clientSecretStdin: flag('--client-secret-stdin', 'read the client secret from stdin (or set NSX_CLIENT_SECRET); never pass it as a flag value'),
    noVerify: flag('--no-verify', 'save without asking the token endpoint'),
  },
  help: 'The secret is stored in credentials.json (mode 0600) in the config dir, never in config.json.',
  examples: [
    'nsx auth login --profile acme --tenant acme                     (prompts for id and secret)',
    'printf %s "$SECRET" | nsx auth login --profile ci --tenant acme --client-id nsx-ci --client-secret-stdin',
    'NSX_CLIENT_SECRET=... nsx auth login --tenant acme-staging --client-id nsx-ci',
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./login.run.js')).run(ctx, args, opts);
  },
});
