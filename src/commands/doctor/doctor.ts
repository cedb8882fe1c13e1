import type { ArgsOf, OptionsOf } from '../define.js';
import type { doctor } from './index.js';
import type { CommandContext } from '../context.js';
import type { ApiClient } from '../../api/client.js';
import type { Settings } from '../../config/profiles.js';
import { ExitCode, NsxError, UsageError } from '../../errors.js';
import type { Column } from '../../output/output.js';
import {
  checkClock,
  checkConfigPermissions,
  checkCredentials,
  checkProfile,
  checkProxy,
  checkToken,
  probeApi,
  type CheckResult,
} from './checks.js';

export async function run(ctx: CommandContext, _args: ArgsOf<typeof doctor>, opts: OptionsOf<typeof doctor>): Promise<void> {
  if (opts.integration !== undefined && !opts.api) throw new UsageError('--integration goes with --api (nsx doctor --api --integration ID)');
  if (opts.api) {
    const { runApiProbe } = await import('./api-probe.js');
    const { parseIntegrationId } = await import('../../input/ids.js');
    return runApiProbe(ctx, opts.integration !== undefined ? { integration: parseIntegrationId(opts.integration, '--integration') } : {});
  }
  let unusable: unknown;
  const results = await runChecks(ctx, (error) => (unusable = error));
  const paint = { ok: ctx.output.style.green, warn: ctx.output.style.yellow, fail: ctx.output.style.red };
  const columns: Column<CheckResult>[] = [
    { header: 'STATUS', value: (r) => (ctx.output.mode === 'table' ? paint[r.status](r.status) : r.status) },
    { header: 'CHECK', value: (r) => r.check },
    { header: 'DETAIL', value: (r) => r.detail },
  ];
  await ctx.output.list(results, columns);
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length) {
    // Settings refused for what the user typed (an unknown profile, a bad flag) exit as they do everywhere (2).
    const code = unusable instanceof NsxError ? unusable.exitCode : ExitCode.error;
    throw new NsxError(`${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.check).join(', ')}`, code);
  }
}

/** Every check runs; one that cannot run because an earlier one failed says so as a warning. */
async function runChecks(ctx: CommandContext, settingsFailed: (error: unknown) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkConfigPermissions()];
  const notChecked = (reason: string) =>
    (['credentials', 'token', 'api', 'clock'] as const).map((check) => ({ check, status: 'warn' as const, detail: `not checked: ${reason}` }));
  let settings: Settings;
  try {
    settings = await ctx.settings();
  } catch (error) {
    settingsFailed(error);
    results.push({ check: 'profile', status: 'fail', detail: error instanceof Error ? error.message : String(error) });
    return [...results, ...notChecked('the settings are unusable'), checkProxy(ctx.io.env)];
  }
  const profile = checkProfile(settings);
  results.push(profile);
  if (profile.status === 'fail') {
    return [...results, checkCredentials(settings), ...notChecked('no API base URL').slice(1), checkProxy(ctx.io.env)];
  }
  const credentials = checkCredentials(settings);
  results.push(credentials);
  // Few retries: a doctor should say "unreachable" in seconds, not after the usual back-off.
  const { createApiClient } = await import('../../config/api-client.js');
  let client: ApiClient;
  try {
    client = createApiClient(settings, { secret: (v) => ctx.output.addSecret(v), trace: (l) => ctx.output.debug(`http: ${l}`) }, { retries: 1 });
  } catch (error) {
    // The HTTP layer could not be set up at all (a proxy variable undici cannot parse, ...).
    const why = `cannot set up HTTP: ${error instanceof Error ? error.message : String(error)}`;
    return [...results, { check: 'token', status: 'fail', detail: why }, { check: 'api', status: 'fail', detail: why }, { check: 'clock', status: 'warn', detail: 'not checked: no HTTP' }, checkProxy(ctx.io.env)];
  }
  const token = credentials.status === 'fail' ? { check: 'token', status: 'fail' as const, detail: 'no credentials to ask for one' } : await checkToken(client, settings);
  results.push(token);
  const probe = await probeApi(client, token.status === 'ok');
  results.push(probe.api, checkClock(probe), checkProxy(ctx.io.env));
  return results;
}
