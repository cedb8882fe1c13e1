// What the integrations commands (and logs) share: secret masking, the one-word destination, the list
// columns.
import { INTEGRATION_SECRET_PATHS, statusName, type Integration } from '../../api/schemas.js';
import type { Column } from '../../output/output.js';
import type { CommandContext } from '../context.js';

/** What a masked secret shows as: says that one is set without revealing any of it. */
export const MASK = '********';

/** A copy of the integration with api_key / aws_secret_access_key replaced by MASK (unless shown). */
export function maskIntegration(integration: Integration, showSecrets = false): Integration {
  if (showSecrets) return integration;
  const copy = structuredClone(integration) as Record<string, unknown>;
  for (const [group, field] of INTEGRATION_SECRET_PATHS) {
    const params = copy[group] as Record<string, unknown> | null | undefined;
    if (params && typeof params[field] === 'string' && params[field] !== '') params[field] = MASK;
  }
  return copy as Integration;
}

/** What a table or tsv cell shows for a field the answer does not carry (or carries as null). */
export const ABSENT = '-';
const shown = (v: string | number | null | undefined): string | number => (v === undefined || v === null || v === '' ? ABSENT : v);

/**
 * "erp.example.com" for a webhook, "s3://bucket/prefix" for an S3 export: never a secret, never a full URL.
 * '' when the answer does not say (NewStore's list may show a webhook with only its api_key).
 */
export function destination(integration: Integration): string {
  const callback = integration.callback_parameters?.callback_url;
  if (callback) {
    try {
      return new URL(callback).host;
    } catch {
      return '(invalid callback URL)';
    }
  }
  const s3 = integration.s3_parameters;
  if (s3?.bucket) return `s3://${s3.bucket}${s3.key_prefix ? `/${s3.key_prefix.replace(/^\/+/, '')}` : ''}`;
  return '';
}

/** "events a, b; entities c" or "none (every event)". */
export function describeFilter(f: Integration['filter_conditions']): string {
  const parts = [f?.events?.length && `events ${f.events.join(', ')}`, f?.entities?.length && `entities ${f.entities.join(', ')}`].filter(Boolean);
  return parts.length ? parts.join('; ') : 'none (every event)';
}

/** The destination for a sentence: its host or bucket, or what kind it is when the answer does not say. */
export function describeDestination(integration: Integration): string {
  return destination(integration) || (integration.callback_parameters ? 'its webhook (URL not in the answer)' : integration.s3_parameters ? 'its S3 bucket' : 'its destination');
}

export const INTEGRATION_COLUMNS: Column<Integration>[] = [
  { header: 'ID', value: (i) => i.id },
  { header: 'STATUS', value: (i) => (i.status === undefined || i.status === null ? ABSENT : statusName(i.status)) },
  { header: 'TYPE', value: (i) => i.integration_type ?? (i.ends_at ? 'temporary' : 'permanent') },
  { header: 'DESTINATION', value: (i) => shown(destination(i)), maxWidth: 48 },
  { header: 'STARTS_AT', value: (i) => shown(i.starts_at) },
  { header: 'ENDS_AT', value: (i) => shown(i.ends_at) },
];

/** A changed integration: the (masked) object on stdout in json modes, one line for people otherwise. */
export function reportIntegration(ctx: CommandContext, integration: Integration, message: string): void {
  if (ctx.output.isJson) ctx.output.object(maskIntegration(integration), () => '');
  else ctx.output.success(message);
}
