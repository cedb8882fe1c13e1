// nsx integrations update <id>: change a webhook's callback URL or api key (rotation) or an integration's
// filter with PATCH {base}/{id}. Every flag is checked and the key read before any request; the change is
// shown (secrets masked) and confirmed; afterwards the integration is read back to check that it took.
import type { ArgsOf, OptionsOf } from '../define.js';
import type { update } from './update.js';
import type { CommandContext } from '../context.js';
import { UpdateIntegrationRequest, type Integration } from '../../api/schemas.js';
import { NsxError, UsageError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { confirm } from '../../output/prompts.js';
import { callbackChangesFromFlags, filterConditionsFromFlags } from './register-request.js';
import { describeFilter, destination, MASK, reportIntegration } from './shared.js';

type Options = OptionsOf<typeof update>;

export async function run(ctx: CommandContext, [rawId]: ArgsOf<typeof update>, opts: OptionsOf<typeof update>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const callback = await callbackChangesFromFlags(opts, ctx.output, ctx.io.env);
  const filter = filterConditionsFromFlags(opts);
  if (callback.callback_url === undefined && callback.api_key === undefined && !filter) {
    throw new UsageError('nothing to change: give --callback-url URL, the new api key (--api-key-file, --api-key-stdin or --api-key-env), or --events/--entities', {
      hint: `see: ${ctx.command('integrations', 'update', '--help')}`,
    });
  }

  await ctx.announce();
  const client = await ctx.client();
  const before = await client.eventstream.getIntegration(id);
  const oldCallback = before.callback_parameters ?? undefined;
  if ((callback.callback_url !== undefined || callback.api_key !== undefined) && !oldCallback && before.s3_parameters) {
    throw new UsageError(`${id} is an S3 export: --callback-url and --api-key-* apply to webhooks (only --events/--entities can change here); nothing was changed`);
  }

  // Only what differs is sent (a value NewStore does not show counts as different). Within
  // callback_parameters every given field goes along, in case NewStore replaces the object whole.
  const changes: string[] = [];
  const body: UpdateIntegrationRequest = {};
  const urlChanges = callback.callback_url !== undefined && callback.callback_url !== oldCallback?.callback_url;
  const keyChanges = callback.api_key !== undefined && callback.api_key !== oldCallback?.api_key;
  if (urlChanges) changes.push(`callback_url  ${oldCallback?.callback_url ?? '(not shown by NewStore)'} -> ${callback.callback_url}`);
  if (keyChanges) changes.push(`api_key       ${oldCallback?.api_key ? MASK : '(none)'} -> ${MASK} (new key)`);
  if (urlChanges || keyChanges) body.callback_parameters = callback;
  if (filter && describeFilter(filter) !== describeFilter(before.filter_conditions)) {
    body.filter_conditions = filter;
    changes.push(`filter        ${describeFilter(before.filter_conditions)} -> ${describeFilter(filter)}`);
  }
  if (changes.length === 0) {
    reportIntegration(ctx, before, `${id} already has these values: nothing to change`);
    return;
  }
  const parsed = UpdateIntegrationRequest.safeParse(body);
  if (!parsed.success) throw new UsageError(`invalid update (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);

  ctx.output.notice(`Updating ${id} (${before.status}, ${destination(before) || 'no destination shown'}):\n${changes.map((c) => `  ${c}`).join('\n')}`);
  if (keyChanges) {
    ctx.output.notice('The next delivery carries the new key: the receiver must accept it now, and keep accepting the old one until deliveries with the new key arrive.');
  }
  await confirm(ctx.output, `Update ${id}?`, { yes: opts.yes });
  await client.eventstream.updateIntegration(id, parsed.data);
  const after = await client.eventstream.getIntegration(id);
  checkTook(ctx, id, after, parsed.data, oldCallback?.callback_url ?? undefined, opts);
  const fields = [urlChanges && 'callback_url', keyChanges && 'api_key', body.filter_conditions && 'filter'].filter(Boolean).join(', ');
  reportIntegration(ctx, after, `updated ${id}: ${fields} changed`);
}

/** The integration read back must show what was sent (when NewStore shows it) and keep the URL it had. */
function checkTook(ctx: CommandContext, id: string, after: Integration, sent: UpdateIntegrationRequest, oldUrl: string | undefined, opts: Options): void {
  const shownUrl = after.callback_parameters?.callback_url ?? undefined;
  const sentUrl = sent.callback_parameters?.callback_url;
  if (sentUrl !== undefined && shownUrl !== undefined && shownUrl !== sentUrl) {
    throw new NsxError(`NewStore accepted the update but ${id} still shows callback_url ${shownUrl}, not ${sentUrl}`, undefined, {
      hint: `check it with: ${ctx.command('integrations', 'get', id)}`,
    });
  }
  if (sentUrl === undefined && sent.callback_parameters && oldUrl !== undefined && shownUrl !== oldUrl) {
    // NewStore may replace callback_parameters whole on PATCH: then the URL was lost with a key-only change.
    ctx.output.warn(`${id} no longer shows its callback URL ${oldUrl} (now: ${shownUrl ?? 'none'}): NewStore may have replaced callback_parameters whole`);
    // The same key flags again, so that URL and key are sent together (a key piped to stdin must be piped again).
    const keyFlags = opts.apiKeyFile !== undefined ? ['--api-key-file', opts.apiKeyFile] : opts.apiKeyEnv !== undefined ? ['--api-key-env', opts.apiKeyEnv] : ['--api-key-stdin'];
    ctx.output.notice(`Set both again with: ${ctx.command('integrations', 'update', id, '--callback-url', oldUrl, ...keyFlags, '--yes')}`);
  }
  const shownFilter = after.filter_conditions;
  if (sent.filter_conditions && shownFilter !== undefined && describeFilter(shownFilter) !== describeFilter(sent.filter_conditions)) {
    throw new NsxError(`NewStore accepted the update but ${id} shows the filter ${describeFilter(shownFilter)}, not ${describeFilter(sent.filter_conditions)}`);
  }
}
