// nsx auth status: each profile's target and secret source, and a fresh token asked for now.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { status } from './status.js';
import type { CommandContext } from '../context.js';
import type { Settings } from '../../config/profiles.js';
import { AuthError, ExitCode, NsxError, UsageError, type ExitCodeValue } from '../../errors.js';

export interface ProfileStatus {
  profile: string;
  current: boolean;
  saved: boolean;
  tenant: string | null;
  stage: string | null;
  api_base: string | null;
  token_url: string | null;
  client_id: string | null;
  /** Where the client secret comes from; never the secret. */
  secret_source: 'file' | 'env' | 'none';
  token_source: 'client credentials' | 'NSX_TOKEN';
  /** A fresh token was obtained now (NSX_TOKEN: given, not checked). */
  can_authenticate: boolean;
  token_checked: boolean;
  expires_at: string | null;
  error: string | null;
}

export async function run(ctx: CommandContext, _args: ArgsOf<typeof status>, opts: OptionsOf<typeof status>): Promise<void> {
  const profiles = await import('../../config/profiles.js');
  const { createTokens } = await import('../../config/api-client.js');
  const env = ctx.io.env;
  const current = profiles.currentProfileName();
  const checked: Array<{ status: ProfileStatus; exit: ExitCodeValue }> = [];

  const check = async (name: string, resolve: () => Promise<Settings>): Promise<void> => {
    let settings: Settings;
    try {
      settings = await resolve();
    } catch (error) {
      // A profile nsx cannot even resolve (a contradicting URL, a bad timeout) cannot authenticate either.
      checked.push({ status: blank(name, name === current, Boolean(profiles.getProfile(name)), (error as Error).message), exit: ExitCode.auth });
      return;
    }
    ctx.output.addSecret(settings.clientSecret);
    ctx.output.addSecret(settings.staticToken);
    const s: ProfileStatus = {
      profile: settings.profile,
      current: settings.profile === current,
      saved: settings.profileExists,
      tenant: settings.tenant ?? null,
      stage: settings.tenant || settings.baseUrl ? settings.stage : null,
      api_base: settings.baseUrl ?? null,
      token_url: settings.staticToken ? null : (settings.tokenUrl ?? null),
      client_id: settings.clientId ?? null,
      secret_source: !settings.clientSecret ? 'none' : settings.sources.clientSecret === 'env' ? 'env' : 'file',
      token_source: settings.staticToken ? 'NSX_TOKEN' : 'client credentials',
      can_authenticate: false,
      token_checked: !settings.staticToken,
      expires_at: null,
      error: null,
    };
    let exit: ExitCodeValue = ExitCode.ok;
    try {
      // forceNew: the cache says nothing about whether the credentials work now.
      const info = await createTokens(settings, { trace: (l) => ctx.output.debug(`http: ${l}`), secret: (v) => ctx.output.addSecret(v) }).info(true);
      s.can_authenticate = true;
      s.expires_at = info.expiresAt ? new Date(info.expiresAt).toISOString() : null;
    } catch (error) {
      s.error = error instanceof Error ? error.message : String(error);
      exit = error instanceof AuthError ? ExitCode.auth : error instanceof NsxError ? error.exitCode : ExitCode.error;
    }
    checked.push({ status: s, exit });
  };

  if (opts.allProfiles) {
    if (ctx.globals.sandbox) throw new UsageError('--all-profiles reads the saved profiles: --sandbox has none (leave one of them out)');
    const names = Object.keys(profiles.listProfiles());
    if (names.length === 0) throw new UsageError('no profiles saved', { hint: `create one with: ${ctx.command('auth', 'login', '--profile', 'NAME', '--tenant', 'TENANT')}` });
    for (const name of names) await check(name, async () => profiles.resolveSettings({ profile: name, ...(ctx.globals.timeout ? { timeout: ctx.globals.timeout } : {}) }, { ...env, NSX_PROFILE: '' }));
  } else {
    await check(ctx.globals.profile ?? env.NSX_PROFILE ?? current, () => ctx.settings());
  }

  const list = checked.map((c) => c.status);
  ctx.output.object(opts.allProfiles ? { profiles: list } : list[0], () => list.map(render).join('\n\n'));
  // Refused or missing credentials are exit 4 (auth); a token endpoint that could not be reached keeps its code.
  const exits = checked.map((c) => c.exit).filter((e) => e !== ExitCode.ok);
  if (exits.length) {
    const failed = list.filter((s) => !s.can_authenticate).map((s) => s.profile);
    const code = exits.includes(ExitCode.auth) ? ExitCode.auth : exits[0]!;
    throw new NsxError(`${failed.length === 1 ? `profile ${failed[0]} cannot` : `profiles ${failed.join(', ')} cannot`} obtain a token now`, code, {
      // The invocation's own --profile (or NSX_PROFILE) is repeated by ctx.command already.
      hint: `fix the credentials with: ${(ctx.globals.profile || env.NSX_PROFILE) === failed[0] ? ctx.command('auth', 'login') : ctx.command('auth', 'login', '--profile', failed[0]!)}`,
    });
  }
}

function blank(profile: string, current: boolean, saved: boolean, error: string): ProfileStatus {
  return {
    profile,
    current,
    saved,
    tenant: null,
    stage: null,
    api_base: null,
    token_url: null,
    client_id: null,
    secret_source: 'none',
    token_source: 'client credentials',
    can_authenticate: false,
    token_checked: false,
    expires_at: null,
    error,
  };
}

function render(s: ProfileStatus): string {
  const row = (k: string, v: string) => `  ${k.padEnd(11)}${v}`;
  const secret = { file: 'credentials file (config dir)', env: 'NSX_CLIENT_SECRET', none: 'none' }[s.secret_source];
  const token = s.can_authenticate
    ? s.token_checked
      ? `✓ a fresh token was obtained${s.expires_at ? `, valid until ${s.expires_at}` : ''}`
      : '? NSX_TOKEN is used as given (not checked)'
    : `✗ cannot be obtained: ${s.error ?? 'unknown'}`;
  return [
    `${s.profile}${s.current ? ' (current)' : ''}${s.saved ? '' : ' (not saved)'}`,
    row('tenant', s.tenant ?? '(none)'),
    row('stage', s.stage ?? '(none)'),
    row('api base', s.api_base ?? '(none)'),
    row('client id', s.client_id ?? '(none)'),
    row('secret', s.token_source === 'NSX_TOKEN' ? `${secret} (NSX_TOKEN in use)` : secret),
    row('token', token),
  ].join('\n');
}
