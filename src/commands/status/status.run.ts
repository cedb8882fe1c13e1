// nsx status: every integration of a tenant in one screen (src/workflows/status/read.ts), and the exit
// code a monitor needs.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { status } from './status.js';
import type { CommandContext } from '../context.js';
import type { Column } from '../../output/output.js';
import { ExitCode, NsxError, PartialFailureError, UsageError } from '../../errors.js';
import { formatDuration } from '../../input/time.js';
import { parseFailureRate, readTenantStatus, type IntegrationStatus } from '../../workflows/status/read.js';
import { ABSENT, destination } from '../integrations/shared.js';

export const DEFAULT_MAX_FAILURE_RATE = 0.05;

export function maxFailureRateOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_FAILURE_RATE;
  const rate = parseFailureRate(text);
  if (rate === undefined) throw new UsageError(`--max-failure-rate: "${text}" is not a rate from 0 to 1 (examples: 0.05, 5%)`);
  return rate;
}

/** A row as json/ndjson print it. */
export function statusJson(r: IntegrationStatus, tenant?: string): Record<string, unknown> {
  return {
    ...(tenant === undefined ? {} : { tenant }),
    id: r.id,
    status: r.status,
    type: r.type,
    destination: destination(r.integration) || null,
    rejected: r.rejected ?? null,
    rejected_limit: r.rejected_limit ?? null,
    last_error: r.last_error ? { message: r.last_error.message, at: r.last_error.at, age_s: Math.round(r.last_error.age_ms / 1000) } : null,
    last_success_at: r.last_success_at ?? null,
    published_last_hour: { success: r.published_success, failure: r.published_failure, failure_rate: r.failure_rate },
    needs_attention: r.attention.length > 0,
    attention: r.attention,
    read_error: r.read_error ?? null,
  };
}

const percent = (rate: number | null): string => (rate === null ? ABSENT : `${(rate * 100).toFixed(1)}%`);

export function statusColumns(now: number, tsv: boolean): Column<IntegrationStatus>[] {
  return [
    { header: 'ID', value: (r) => r.id },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'TYPE', value: (r) => r.type },
    { header: 'DESTINATION', value: (r) => destination(r.integration) || ABSENT, maxWidth: 32 },
    { header: 'REJECTED', value: (r) => (r.rejected === undefined ? (r.rejected_any ? '>0' : ABSENT) : r.rejected_limit === undefined ? r.rejected : `${r.rejected}/${r.rejected_limit}`) },
    { header: 'LAST_ERROR', value: (r) => r.last_error?.message ?? ABSENT, maxWidth: 48 },
    { header: 'ERROR_AGE', value: (r) => (r.last_error ? (tsv ? Math.round(r.last_error.age_ms / 1000) : formatDuration(r.last_error.age_ms)) : ABSENT) },
    { header: 'LAST_SUCCESS', value: (r) => (r.last_success_at ? (tsv ? r.last_success_at : `${formatDuration(now - Date.parse(r.last_success_at))} ago`) : ABSENT) },
    { header: 'FAILURE_RATE_1H', value: (r) => (tsv ? (r.failure_rate ?? ABSENT) : percent(r.failure_rate)) },
    { header: 'ATTENTION', value: (r) => (r.attention.length ? r.attention.join('; ') : 'ok'), maxWidth: 60 },
  ];
}

/** The exit a monitor reads: 1 something unread, 6 something needs a human, else 0 (returns the error to throw). */
export function verdict(rows: IntegrationStatus[], unreadTenants: string[]): NsxError | undefined {
  const unread = rows.filter((r) => r.read_error);
  if (unreadTenants.length > 0 || unread.length > 0) {
    const what = [...unreadTenants.map((t) => `tenant ${t}`), ...unread.map((r) => r.id)];
    return new NsxError(`could not read ${what.join(', ')}`, ExitCode.error);
  }
  const attention = rows.filter((r) => r.attention.length > 0);
  if (attention.length > 0) {
    return new PartialFailureError(`${attention.length} of ${rows.length} integration${rows.length === 1 ? '' : 's'} need${attention.length === 1 ? 's' : ''} attention: ${attention.map((r) => r.id).join(', ')}`);
  }
  return undefined;
}

type TenantRow = IntegrationStatus & { tenant: string };

/** A tenant that did not answer, as one row of its section. */
function unreadTenant(tenant: string, error: unknown): TenantRow {
  const message = error instanceof Error ? error.message : String(error);
  return {
    tenant, id: ABSENT, status: 'unreadable', type: ABSENT, integration: { id: ABSENT }, rejected: undefined, rejected_any: false, rejected_limit: undefined,
    last_error: undefined, last_success_at: undefined, published_success: 0, published_failure: 0, failure_rate: null, read_error: message, attention: [`could not read: ${message}`],
  };
}

export async function run(ctx: CommandContext, _args: ArgsOf<typeof status>, opts: OptionsOf<typeof status>): Promise<void> {
  const maxFailureRate = maxFailureRateOf(opts.maxFailureRate);
  const { profileList } = await import('../../config/profiles.js');
  const profiles = profileList(ctx.globals.profile, opts.allProfiles === true);
  if (profiles) return runTenants(ctx, profiles, maxFailureRate);
  const client = await ctx.client();
  const now = Date.now();
  const rows = await readTenantStatus(client.eventstream, { now, maxFailureRate, signal: ctx.signal });
  await ctx.output.list(rows, statusColumns(now, ctx.output.mode === 'tsv'), {
    json: (r) => statusJson(r),
    empty: `no integrations yet: ${ctx.command('integrations', 'register', 'ID', '--callback-url', 'URL')}`,
  });
  const error = verdict(rows, []);
  if (error) throw error;
  ctx.output.info(`${rows.length} integration${rows.length === 1 ? '' : 's'}: all running, no rejected events, failure rate at most ${percent(maxFailureRate)}`);
}

/** Every tenant at once; one section each (its rows together, in the order given), a tenant that fails as one row. */
async function runTenants(ctx: CommandContext, profiles: string[], maxFailureRate: number): Promise<void> {
  const now = Date.now();
  const sections = await Promise.all(
    profiles.map(async (profile): Promise<TenantRow[]> => {
      try {
        const { client } = await ctx.clientFor(profile);
        const rows = await readTenantStatus(client.eventstream, { now, maxFailureRate, signal: ctx.signal });
        return rows.map((r) => ({ ...r, tenant: profile }));
      } catch (error) {
        ctx.signal.throwIfAborted();
        return [unreadTenant(profile, error)];
      }
    }),
  );
  const rows = sections.flat();
  const unread = sections.filter((s) => s.length === 1 && s[0]!.status === 'unreadable' && s[0]!.id === ABSENT).map((s) => s[0]!.tenant);
  await ctx.output.list(rows, [{ header: 'PROFILE', value: (r: TenantRow) => r.tenant }, ...statusColumns(now, ctx.output.mode === 'tsv')], {
    json: (r) => (r.status === 'unreadable' && r.id === ABSENT ? { tenant: r.tenant, error: r.read_error } : statusJson(r, r.tenant)),
  });
  const error = verdict(rows.filter((r) => !unread.includes(r.tenant)), unread);
  if (error) throw error;
  ctx.output.info(`${profiles.length} profiles, ${rows.length} integrations: all running, no rejected events, failure rate at most ${percent(maxFailureRate)}`);
}
