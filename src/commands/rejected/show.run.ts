import type { ArgsOf } from '../define.js';
import type { show } from './show.js';
import type { CommandContext } from '../context.js';
import type { RejectedEvent } from '../../api/schemas.js';
import { NotFoundError } from '../../errors.js';
import { parseEventId, parseIntegrationId } from '../../input/ids.js';
import { entityKey } from '../../workflows/filters.js';

export async function run(ctx: CommandContext, [rawId, rawEventId]: ArgsOf<typeof show>): Promise<void> {
  const id = parseIntegrationId(rawId);
  const eventId = parseEventId(rawEventId);
  const api = (await ctx.client()).eventstream;
  // The API has no single-event read [contract §2]: find it in the list, which stops at the first match.
  let found: RejectedEvent | undefined;
  for await (const event of api.rejectedEvents(id)) {
    if (event.id === eventId) {
      found = event;
      break;
    }
  }
  if (!found) {
    throw new NotFoundError(`no rejected event ${eventId} for ${id} (already delivered or deleted?)`, {
      hint: `list them: ${ctx.command('rejected', 'list', id)}`,
    });
  }
  const event = found;
  ctx.output.object(event, () => renderEvent(ctx, event));
}

function renderEvent(ctx: CommandContext, e: RejectedEvent): string {
  const s = ctx.output.style;
  const field = (name: string, value: unknown): string | undefined =>
    value === undefined || value === null || value === '' ? undefined : `${s.dim(name.padEnd(16))}${String(value)}`;
  const lines = [
    field('id', e.id),
    field('event', e.event.name),
    field('entity', entityKey(e)),
    field('rejected at', e.rejected_at),
    field('attempts', e.attempts),
    field('published at', e.event.published_at),
    field('idempotency key', e.event.idempotency_key),
  ].filter((l): l is string => l !== undefined);
  const status = e.response?.status_code;
  const body = e.response?.body;
  return [
    ...lines,
    '',
    s.bold('Payload'),
    JSON.stringify(e.event.payload, null, 2),
    '',
    s.bold(`Receiver answered${status === undefined || status === null ? '' : ` ${status}`}`),
    body === undefined || body === null || body === '' ? s.dim('(no body)') : typeof body === 'string' ? body : JSON.stringify(body, null, 2),
  ].join('\n');
}
