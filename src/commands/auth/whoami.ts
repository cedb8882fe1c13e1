// The whole verb in one file: its body needs nothing that the command tree does not load anyway.
import { AuthError, NsxError } from '../../errors.js';
import { defineCommand } from '../define.js';

export const whoami = defineCommand({
  name: 'whoami',
  summary: 'show the profile, tenant, API base and token URL in effect, and whether a token can be obtained',
  help: 'Exit 4 when no token can be obtained. Secrets are never printed.',
  examples: ['nsx whoami', 'nsx whoami --profile staging --json'],
  async run(ctx): Promise<void> {
    const settings = await ctx.settings();
    const client = await ctx.client();
    let token: { ok: boolean; expires_at: string | null; from_cache?: boolean; error?: string } = { ok: false, expires_at: null };
    let failure: unknown;
    try {
      // Always a fresh token: a cached one says nothing about whether the credentials still work.
      const info = await client.tokens.info(true);
      token = { ok: true, expires_at: info.expiresAt ? new Date(info.expiresAt).toISOString() : null, from_cache: info.fromCache };
    } catch (error) {
      failure = error;
      token = { ok: false, expires_at: null, error: error instanceof Error ? error.message : String(error) };
    }
    const report = {
      profile: settings.profile,
      profile_exists: settings.profileExists,
      tenant: settings.tenant ?? null,
      stage: settings.stage,
      api_base: settings.baseUrl ?? null,
      token_url: settings.staticToken ? null : (settings.tokenUrl ?? null),
      client_id: settings.clientId ?? null,
      client_secret: settings.clientSecret ? `set (${settings.sources.clientSecret})` : 'missing',
      token_source: settings.staticToken ? 'NSX_TOKEN' : 'client credentials',
      token,
      overrides: settings.overrides ?? {},
      sources: settings.sources,
    };
    ctx.output.object(report, () => {
      const lines = [
        ['profile', `${report.profile}${settings.profileExists ? '' : ' (not saved)'}`],
        ['tenant', report.tenant ?? '(none)'],
        ['stage', report.stage],
        ['api base', report.api_base ?? '(none)'],
        ['token url', report.token_url ?? (settings.staticToken ? '(NSX_TOKEN in use)' : '(none)')],
        ['client id', report.client_id ?? '(none)'],
        ['client secret', report.client_secret],
        ['token', token.ok ? `ok${token.expires_at ? `, expires ${token.expires_at}` : ''}${token.from_cache ? ' (cached)' : ''}` : 'cannot be obtained'],
        // Corrections of assumed routes and pagination in effect (nsx config set routes.X / pagination.X).
        ...Object.entries(report.overrides).map(([key, value], i) => [i === 0 ? 'overrides' : '', `${key} = ${value}`]),
      ];
      return lines.map(([k, v]) => `${k!.padEnd(14)}${v}`).join('\n');
    });
    if (failure) {
      if (failure instanceof NsxError) throw failure;
      throw new AuthError(`no token for profile ${settings.profile}: ${token.error}`);
    }
  },
});
