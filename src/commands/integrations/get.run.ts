import type { ArgsOf, OptionsOf } from '../define.js';
import type { get } from './get.js';
import type { CommandContext } from '../context.js';
import { statusName, type Integration } from '../../api/schemas.js';
import { destination, maskIntegration } from './shared.js';
import { parseIntegrationId } from '../../input/ids.js';

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof get>, opts: OptionsOf<typeof get>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const client = await ctx.client();
  const integration = maskIntegration(await client.eventstream.getIntegration(id), opts.showSecrets);
  ctx.output.object(integration, () => describe(integration));
}

function describe(i: Integration): string {
  const rows: Array<[string, string | null | undefined]> = [
    ['id', i.id],
    ['status', i.status === undefined || i.status === null ? null : statusName(i.status)],
    ['type', i.integration_type ?? (i.ends_at ? 'temporary' : 'permanent')],
    ['destination', destination(i) || null],
  ];
  if (i.callback_parameters) {
    rows.push(['callback url', i.callback_parameters.callback_url], ['api key', i.callback_parameters.api_key ?? '(none)']);
  }
  if (i.s3_parameters) {
    const s3 = i.s3_parameters;
    rows.push(
      ['bucket', s3.bucket],
      ['key prefix', s3.key_prefix ?? '(none)'],
      ['region', s3.aws_region],
      ['access key id', s3.aws_access_key_id],
      ['secret key', s3.aws_secret_access_key ?? '(none)'],
    );
  }
  rows.push(['starts at', i.starts_at ?? '-'], ['ends at', i.ends_at ?? '-']);
  const f = i.filter_conditions;
  const filter = [f?.events?.length && `events ${f.events.join(', ')}`, f?.entities?.length && `entities ${f.entities.join(', ')}`].filter(Boolean);
  rows.push(['filter', filter.length ? filter.join('; ') : 'none (every event)']);
  return rows.map(([k, v]) => `${k.padEnd(15)}${v ?? '-'}`).join('\n');
}
