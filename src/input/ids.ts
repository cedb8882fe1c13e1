// The ids users type as positional arguments, checked before any request is sent (exit 2 on a bad one).
// Integration ids follow the registration schema, so what nsx refuses is exactly what NewStore would refuse.
import { RegisterRequest } from '../api/schemas.js';
import { UsageError } from '../errors.js';
import { unsafePathParameter } from '../api/routes.js';
import { nsxCommand } from '../hints.js';

const INTEGRATION_ID = RegisterRequest.shape.id;

/** An integration id as typed: trimmed, non-empty, letters/digits/"."/"_"/"-", at most 64 characters. */
export function parseIntegrationId(value: unknown, what = 'integration id'): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const parsed = INTEGRATION_ID.safeParse(text);
  if (!parsed.success) {
    const reason = text === '' ? 'it is empty' : (parsed.error.issues[0]?.message ?? 'invalid');
    throw new UsageError(`${what} "${String(value)}" is not valid: ${reason}`, { hint: `list the ids with: ${nsxCommand('integrations', 'list')}` });
  }
  return parsed.data;
}

/** A rejected event's id: non-empty text without whitespace that is one safe path segment (not "." or "..", no "/"). */
export function parseEventId(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || /\s/.test(text) || text.length > 200 || unsafePathParameter(text) !== undefined) {
    throw new UsageError(`event id ${JSON.stringify(String(value))} is not valid (ids come from: ${nsxCommand('rejected', 'list', 'ID')})`);
  }
  return text;
}

/** An import job's id as typed: non-empty, no white space, one safe path segment (not "." or "..", no "/"). */
export function parseImportId(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const reason = text === '' ? 'it is empty' : /\s/.test(text) ? 'it holds white space' : unsafePathParameter(text);
  if (reason !== undefined) {
    throw new UsageError(`import id ${JSON.stringify(String(value ?? ''))} is not valid: ${reason}`, { hint: `see the ids with: ${nsxCommand('stock', 'list')}` });
  }
  return text;
}
