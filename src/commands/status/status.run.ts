// nsx status: every integration of a tenant in one screen (src/workflows/status/read.ts), and the exit
// code a monitor needs.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { status } from './status.js';
import type { CommandContext } from '../context.js';
import type { Column } from '../../output/output.js';
import { ExitCode, NsxError, PartialFailureError, UsageError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../input/time.js';
import { openMetricsText, type GaugeFamily } from '../../output/openmetrics.js';
import { sleep } from '../../timers.js';
import { targetTenant } from '../context.js';
import { parseMaxFailureRate } from '../../input/numbers.js';
import { readTenantStatus, type IntegrationStatus } from '../../workflows/status/read.js';
import { ABSENT, destination } from '../integrations/shared.js';

export const DEFAULT_MAX_FAILURE_RATE = 0.05;

export function maxFailureRateOf(text: string | undefined): number {
  return text === undefined ? DEFAULT_MAX_FAILURE_RATE : parseMaxFailureRate(text);
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

/** --watch redraws no faster than this (each redraw is about three round trips per tenant). */
const MIN_WATCH_MS = 1000;

export async function run(ctx: CommandContext, _args: ArgsOf<typeof status>, opts: OptionsOf<typeof status>): Promise<void> {
  const maxFailureRate = maxFailureRateOf(opts.maxFailureRate);
  const watchMs = opts.watch === undefined ? undefined : parseDuration(opts.watch, '--watch');
  if (watchMs !== undefined) {
    if (watchMs < MIN_WATCH_MS) throw new UsageError(`--watch must be at least ${formatDuration(MIN_WATCH_MS)}`);
    if (!ctx.output.stdoutIsTTY) throw new UsageError('--watch redraws a terminal and stdout is not one: a monitor should run nsx status from cron instead (its exit code says what needs attention)');
    if (ctx.output.mode !== 'table') throw new UsageError(`--watch redraws the table: it cannot be used with --output ${ctx.output.mode}`);
  }
  const { profileList } = await import('../../config/profiles.js');
  const profiles = profileList(ctx.globals.profile, opts.allProfiles === true);
  const once = (): Promise<NsxError | undefined> => (profiles ? runTenants(ctx, profiles, maxFailureRate) : runOne(ctx, maxFailureRate));
  if (watchMs === undefined) {
    const error = await once();
    if (error) throw error;
    return;
  }
  ctx.handleInterrupts();
  try {
    for (;;) {
      // Clear the screen and go home, then the table and its verdict as a single run prints them.
      ctx.output.writeData('\x1b[2J\x1b[H');
      try {
        const error = await once();
        if (error) ctx.output.info(error.message);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.output.error(error);
      }
      ctx.output.info(ctx.output.errStyle.dim(`every ${formatDuration(watchMs)} · ${new Date(ctx.io.now()).toISOString()} · Ctrl-C to stop`));
      await sleep(watchMs, ctx.signal);
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      ctx.setExitCode(ExitCode.interrupted);
      return;
    }
    throw error;
  }
}

/** One tenant (the profile's, or the flags'): its rows, and the error to exit with. */
async function runOne(ctx: CommandContext, maxFailureRate: number): Promise<NsxError | undefined> {
  const now = Date.now();
  if (ctx.output.mode === 'openmetrics') {
    const settings = await ctx.settings();
    const tenant = settings.tenant ?? targetTenant(settings);
    let rows: IntegrationStatus[];
    try {
      rows = await readTenantStatus((await ctx.client()).eventstream, { now, maxFailureRate, signal: ctx.signal });
    } catch (error) {
      ctx.signal.throwIfAborted();
      ctx.output.writeData(openMetricsText(metricFamilies([{ tenant, rows: undefined }])));
      return new NsxError(`could not read tenant ${tenant}: ${error instanceof Error ? error.message : String(error)}`, ExitCode.error);
    }
    ctx.output.writeData(openMetricsText(metricFamilies([{ tenant, rows }])));
    return verdict(rows, []) ?? allWell(ctx, `${rows.length} integration${rows.length === 1 ? '' : 's'}`, maxFailureRate);
  }
  const client = await ctx.client();
  const rows = await readTenantStatus(client.eventstream, { now, maxFailureRate, signal: ctx.signal });
  await ctx.output.list(rows, statusColumns(now, ctx.output.mode === 'tsv'), {
    json: (r) => statusJson(r),
    empty: `no integrations yet: ${ctx.command('integrations', 'register', 'ID', '--callback-url', 'URL')}`,
  });
  return verdict(rows, []) ?? allWell(ctx, `${rows.length} integration${rows.length === 1 ? '' : 's'}`, maxFailureRate);
}

function allWell(ctx: CommandContext, what: string, maxFailureRate: number): undefined {
  ctx.output.info(`${what}: all running, no rejected events, failure rate at most ${percent(maxFailureRate)}`);
  return undefined;
}

/** The gauges of --output openmetrics; a tenant whose rows are undefined could not be read (nsx_tenant_up 0). */
export function metricFamilies(tenants: { tenant: string; rows: IntegrationStatus[] | undefined }[]): GaugeFamily[] {
  const read = tenants.flatMap((t) => (t.rows ?? []).map((r) => ({ tenant: t.tenant, r })));
  const labels = (tenant: string, r: IntegrationStatus) => ({ tenant, integration: r.id });
  return [
    { name: 'nsx_tenant_up', help: '1 when nsx could read the tenant\'s integrations, 0 when it could not', samples: tenants.map((t) => ({ labels: { tenant: t.tenant }, value: t.rows ? 1 : 0 })) },
    { name: 'nsx_integration_running', help: '1 when the integration is running, 0 otherwise (stopped, paused, ...)', samples: read.map(({ tenant, r }) => ({ labels: labels(tenant, r), value: r.status === 'running' ? 1 : 0 })) },
    {
      name: 'nsx_rejected_events',
      help: 'rejected events waiting (absent when the answer does not say how many)',
      samples: read.filter(({ r }) => r.rejected !== undefined).map(({ tenant, r }) => ({ labels: labels(tenant, r), value: r.rejected! })),
    },
    {
      name: 'nsx_publish_failures_ratio',
      help: 'failed publishes over all publishes of the last hour, 0 to 1 (absent with no publish in the hour)',
      samples: read.filter(({ r }) => r.failure_rate !== null).map(({ tenant, r }) => ({ labels: labels(tenant, r), value: r.failure_rate! })),
    },
  ];
}

/** Every tenant at once; one section each (its rows together, in the order given), a tenant that fails as one row. */
async function runTenants(ctx: CommandContext, profiles: string[], maxFailureRate: number): Promise<NsxError | undefined> {
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
  if (ctx.output.mode === 'openmetrics') {
    ctx.output.writeData(openMetricsText(metricFamilies(profiles.map((tenant, i) => ({ tenant, rows: unread.includes(tenant) ? undefined : sections[i] })))));
  } else {
    await ctx.output.list(rows, [{ header: 'PROFILE', value: (r: TenantRow) => r.tenant }, ...statusColumns(now, ctx.output.mode === 'tsv')], {
      json: (r) => (r.status === 'unreadable' && r.id === ABSENT ? { tenant: r.tenant, error: r.read_error } : statusJson(r, r.tenant)),
    });
  }
  return verdict(rows.filter((r) => !unread.includes(r.tenant)), unread) ?? allWell(ctx, `${profiles.length} profiles, ${rows.length} integrations`, maxFailureRate);
}
