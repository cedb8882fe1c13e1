import type { ArgsOf, OptionsOf } from '../define.js';
import type { login } from './login.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { askSecret, askText } from '../../output/prompts.js';
import { readAllStdin } from '../../input/stdin.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof login>, opts: OptionsOf<typeof login>): Promise<void> {
  const profiles = await import('../../config/profiles.js');
  const { output, globals } = ctx;
  const env = ctx.io.env;
  const name = globals.profile ?? env.NSX_PROFILE ?? profiles.currentProfileName();
  const existing = profiles.getProfile(name) ?? {};

  const tenant = globals.tenant ?? env.NSX_TENANT ?? existing.tenant;
  if (!tenant && !globals.baseUrl && !existing['base-url']) {
    throw new UsageError(`profile ${name} needs a tenant: pass --tenant TENANT (e.g. acme-staging) or --base-url`);
  }
  let clientId = opts.clientId ?? env.NSX_CLIENT_ID;
  if (!clientId && output.canPrompt) clientId = await askText(output, 'Client id', { flag: '--client-id', ...(existing['client-id'] ? { default: existing['client-id'] } : {}) });
  if (!clientId) throw new UsageError('no client id: pass --client-id ID (or set NSX_CLIENT_ID)');

  let secret: string | undefined;
  if (opts.clientSecretStdin) {
    secret = (await readAllStdin()).replace(/\r?\n$/, '');
    if (!secret) throw new UsageError('--client-secret-stdin: stdin was empty');
  } else if (env.NSX_CLIENT_SECRET) {
    secret = env.NSX_CLIENT_SECRET;
  } else if (output.canPrompt) {
    secret = await askSecret(output, 'Client secret', { flag: 'pass --client-secret-stdin' });
  } else {
    throw new UsageError('no client secret: pipe it to --client-secret-stdin or set NSX_CLIENT_SECRET (never pass it as a flag value)');
  }
  output.addSecret(secret);

  const values: Record<string, string | undefined> = {
    tenant,
    stage: globals.stage ?? env.NSX_STAGE,
    'base-url': globals.baseUrl,
    'token-url': globals.tokenUrl,
    'client-id': clientId,
  };
  const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string>;
  // Validate what would be stored before asking the token endpoint.
  for (const [k, v] of Object.entries(clean)) profiles.validateProfileValue(k as never, v);

  if (opts.verify !== false) {
    // Verify with what this login would save, under the usual precedence (flags > environment > profile).
    const merged = { ...existing, ...clean };
    const fallback = (envName: string, value: string | undefined) => env[envName] || value || '';
    const settings = profiles.resolveSettings({ ...globals, profile: undefined }, {
      ...env,
      NSX_PROFILE: '',
      NSX_TOKEN: '',
      NSX_TENANT: fallback('NSX_TENANT', merged.tenant),
      NSX_STAGE: fallback('NSX_STAGE', merged.stage),
      NSX_BASE_URL: fallback('NSX_BASE_URL', merged['base-url']),
      NSX_TOKEN_URL: fallback('NSX_TOKEN_URL', merged['token-url']),
      NSX_CLIENT_ID: clientId,
      NSX_CLIENT_SECRET: secret,
    }, { readProfile: false }); // the current profile is not the one being saved: none of its values count
    const { createTokens } = await import('../../config/api-client.js');
    const tokens = createTokens({ ...settings, profile: name }, {
      trace: (l) => output.debug(`http: ${l}`),
      secret: (v) => output.addSecret(v),
    });
    await tokens.info(true);
  }
  await profiles.upsertProfile(name, clean, { clientSecret: secret });
  if (Object.keys(profiles.listProfiles()).length === 1) await profiles.useProfile(name);
  output.success(`profile ${name} saved${opts.verify === false ? ' (not verified)' : ': a token was obtained'}`);
}
