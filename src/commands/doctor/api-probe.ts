// nsx doctor --api: one read of each read route nsx uses, one line per route, and for a route the tenant
// does not serve, the `nsx config set routes.X` command that corrects it. Never a write (ProbeApi sends
// GET only, and a read route cannot be corrected into anything else).
import type { ApiClient } from '../../api/client.js';
import { blank, FAILING_VERDICTS, type ProbeVerdict, type RouteProbe } from '../../api/probe.js';
import { routePlaceholder, ROUTES } from '../../api/routes.js';
import type { ProbedRoute } from '../../api/schemas.js';
import type { Settings } from '../../config/profiles.js';
import { AuthError, ExitCode, NsxError } from '../../errors.js';
import type { Column } from '../../output/output.js';
import { shellQuote } from '../../hints.js';
import type { CommandContext } from '../context.js';

/** Items asked for on the paginated lists: enough to see their fields, little to transfer. */
const PROBE_PAGE = 10;
const HOUR_MS = 60 * 60 * 1000;

export interface ProbeRow {
  route: ProbedRoute;
  status: ProbeVerdict;
  method: string;
  path: string;
  http_status: number | null;
  ms: number | null;
  items: number | null;
  unknown_fields: string[];
  missing_fields: Array<{ field: string; absent_from: number }>;
  detail: string;
  /** The command that corrects a route the tenant does not serve; `<...>` is the path to fill in. */
  fix: string | null;
  request_id: string | null;
}

export async function runApiProbe(ctx: CommandContext, options: { integration?: string }): Promise<void> {
  const settings = await ctx.settings();
  const { createApiClient } = await import('../../config/api-client.js');
  // Few retries: a probe should say what is wrong in seconds, not after the usual back-off.
  const client = createApiClient(settings, { secret: (v) => ctx.output.addSecret(v), trace: (l) => ctx.output.debug(`http: ${l}`) }, { retries: 1 });
  const rows = (await probeTenant(client, options.integration)).map((p) => toRow(p.probe, p.note, fixFor(ctx, settings, p.probe)));

  const paint = (s: ProbeVerdict) => (FAILING_VERDICTS.includes(s) ? ctx.output.style.red : s === 'ok' ? ctx.output.style.green : ctx.output.style.yellow);
  const columns: Column<ProbeRow>[] = [
    { header: 'STATUS', value: (r) => (ctx.output.mode === 'table' ? paint(r.status)(r.status) : r.status) },
    { header: 'ROUTE', value: (r) => r.route },
    { header: 'CALL', value: (r) => `${r.method} ${r.path}` },
    { header: 'DETAIL', value: (r) => r.detail },
  ];
  await ctx.output.list(rows, columns);
  // The corrections again, whole, where a table cell may have cut them.
  for (const r of rows) if (r.fix) ctx.output.notice(`to correct ${r.route}, fill in the path and run: ${r.fix}`);
  const failed = rows.filter((r) => FAILING_VERDICTS.includes(r.status));
  if (failed.length) {
    throw new NsxError(`${failed.length} of ${rows.length} routes failed: ${failed.map((r) => `${r.route} (${r.status})`).join(', ')}`, ExitCode.error);
  }
  ctx.output.success(`${rows.length} routes probed: none failed`);
}

interface Probed {
  probe: RouteProbe;
  /** Said after the verdict (why a route was not called, why a 404 may mean a wrong id). */
  note?: string;
}

/** Probes each read route once, in the order a user meets them. */
async function probeTenant(client: ApiClient, given: string | undefined): Promise<Probed[]> {
  const names: ProbedRoute[] = ['listIntegrations', 'getIntegration', 'listLogs', 'listRejectedEvents', 'listPublishedEvents', 'listImports'];
  // One token first: without one, every call would ask again and say the same.
  if (!client.tokens.isStatic) {
    try {
      await client.tokens.token();
    } catch (error) {
      const verdict: ProbeVerdict = error instanceof AuthError ? 'auth' : 'failed';
      const why = `no token, not called: ${error instanceof Error ? error.message : String(error)}`;
      return names.map((route) => ({ probe: notCalled(client, route, verdict, why) }));
    }
  }
  const out: Probed[] = [];
  const list = await client.probe.probe('listIntegrations');
  out.push({ probe: list.probe });
  const listed = list.probe.verdict === 'ok' || list.probe.verdict === 'lenient' ? list.items.map((i) => String((i as { id: unknown }).id)) : undefined;
  const id = given ?? listed?.[0];
  if (id === undefined) {
    const why = listed ? 'no integration listed to probe (pass --integration ID)' : 'the integration list failed (pass --integration ID)';
    for (const route of ['getIntegration', 'listLogs', 'listRejectedEvents'] as const) out.push({ probe: notCalled(client, route, 'skipped', `not called: ${why}`) });
  } else {
    // A 404 about an integration the list does not hold more likely means a wrong id than a wrong route.
    const note = given !== undefined && listed && !listed.includes(given) ? `integration "${given}" is not among the ${listed.length} listed: check --integration` : undefined;
    const page = client.probe.firstPage(PROBE_PAGE);
    for (const [route, query] of [['getIntegration', undefined], ['listLogs', page], ['listRejectedEvents', page]] as const) {
      const probed = await client.probe.probe(route, { params: { id }, ...(query ? { query } : {}) });
      out.push({ probe: probed.probe, ...(note && probed.probe.verdict === 'not-found' ? { note } : {}) });
    }
  }
  const now = Date.now();
  out.push({ probe: (await client.probe.probe('listPublishedEvents', { query: { from: new Date(now - HOUR_MS).toISOString(), to: new Date(now).toISOString() } })).probe });
  out.push({ probe: (await client.probe.probe('listImports', { query: client.probe.firstPage(PROBE_PAGE) })).probe });
  return out;
}

function notCalled(client: ApiClient, route: ProbedRoute, verdict: ProbeVerdict, error: string): RouteProbe {
  const r = client.routes[route];
  return blank(route, r.method, r.path, verdict, error);
}

/**
 * The `nsx config set` that corrects a route the tenant did not find, for the profile this run read
 * (always named: it is the one the next probe reads too). None under --sandbox, which serves nsx's own table.
 */
function fixFor(ctx: CommandContext, settings: Settings, probe: RouteProbe): string | null {
  if (probe.verdict !== 'not-found' || ctx.globals.sandbox) return null;
  return `nsx config set routes.${probe.route} "${ROUTES[probe.route].method} ${routePlaceholder(probe.route)}" --profile ${shellQuote(settings.profile)}`;
}

function toRow(probe: RouteProbe, note: string | undefined, fix: string | null): ProbeRow {
  const answered = probe.httpStatus !== undefined ? `answered ${probe.httpStatus}${probe.ms !== undefined ? ` in ${probe.ms}ms` : ''}` : '';
  const count = probe.items === undefined || probe.route === 'getIntegration' ? '' : `, ${probe.items} item${probe.items === 1 ? '' : 's'}`;
  let detail: string;
  switch (probe.verdict) {
    case 'ok':
      detail = `${answered}${count}: readable${probe.items === 0 ? ' (no items: fields not checked)' : ''}`;
      break;
    case 'lenient': {
      const parts = [
        probe.unknownFields.length ? `fields nsx does not know: ${probe.unknownFields.join(', ')}` : '',
        probe.missingFields.length ? `missing: ${probe.missingFields.map((m) => `${m.field} (in ${m.absentFrom} of ${probe.items})`).join(', ')}` : '',
      ].filter(Boolean);
      detail = `${answered}${count}: readable only leniently; ${parts.join('; ')}`;
      break;
    }
    case 'not-found':
      detail = `${probe.error}: ${note ? `${note}; or ` : ''}the route probably differs on this tenant${fix ? `; set it with: ${fix}` : ''}`;
      break;
    case 'unreadable':
      detail = `${answered}${count}, but nsx cannot read it: ${probe.error}`;
      break;
    default:
      detail = probe.error ?? '';
  }
  return {
    route: probe.route,
    status: probe.verdict,
    method: probe.method,
    path: probe.path,
    http_status: probe.httpStatus ?? null,
    ms: probe.ms ?? null,
    items: probe.items ?? null,
    unknown_fields: probe.unknownFields,
    missing_fields: probe.missingFields.map((m) => ({ field: m.field, absent_from: m.absentFrom })),
    detail,
    fix,
    request_id: probe.requestId ?? null,
  };
}
