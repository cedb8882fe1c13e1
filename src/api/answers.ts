// Reading answers: what to say when one cannot be read, and how much of a server's text to show.
// A mismatch is named by the JSON path of the first field that does not fit, the type nsx expected and
// what came instead (`integrations[0].id: expected a string, got null`), never zod's "Invalid input".
import type * as z from 'zod';

/** Characters of a server's text (a problem's detail, a message) shown in an error line. */
export const SHOWN_TEXT_CHARS = 1000;
/** ... and with --verbose (the raw body of an unreadable answer included). */
export const VERBOSE_TEXT_CHARS = 64 * 1024;
/** Items of a problem's `messages` shown (each on its own line). */
export const SHOWN_MESSAGES = 20;

/** `text` cut to `max` characters, saying how much was cut (and that --verbose shows more, unless verbose). */
export function capText(text: string, max: number, verbose = false): string {
  if (text.length <= max) return text;
  const cut = text.length - max;
  const more = verbose || max >= VERBOSE_TEXT_CHARS ? '' : `; --verbose shows up to ${VERBOSE_TEXT_CHARS / 1024} KiB`;
  return `${text.slice(0, max)}… (${cut.toLocaleString('en-US')} more characters cut${more})`;
}

/** `integrations[0].id`, `["not-before-policy"]`; '' for the root. */
export function jsonPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** What a value is, for people: `null`, `a string "abc"`, `the number 5`, `an object`, `nothing (absent)`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is absent)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** Field names whose value the output layer masks (and so must not be followed by ": "). */
const SECRET_KEY = /^(client_secret|access_token|api_key|password|aws_secret_access_key)$/i;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

/** The deepest issue: for a union, the branch that got furthest into the value. */
function deepest(issue: z.core.$ZodIssue, base: readonly PropertyKey[] = []): { issue: z.core.$ZodIssue; path: PropertyKey[] } {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: { issue: z.core.$ZodIssue; path: PropertyKey[] } | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (!first) continue;
      const candidate = deepest(first, path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
    if (best) return best;
  }
  return { issue, path };
}

/**
 * The first mismatch of `body` with a schema, for people: `integrations[0].id: expected a string, got
 * null`. `prefix` names where `body` sits in the answer (`integrations[3]` for one item of a list).
 */
export function describeMismatch(error: z.ZodError, body: unknown, prefix = ''): string {
  const first = error.issues[0];
  if (!first) return `${prefix || 'the body'}: not understood`;
  const { issue, path } = deepest(first);
  const where = jsonPath(path, prefix) || 'the body';
  const got = describeValue(valueAt(body, path));
  // "access_token: expected ..." would be masked by the output layer's redaction (key: value).
  if (SECRET_KEY.test(String(path[path.length - 1] ?? '')) && issue.code === 'invalid_type') {
    return `${where} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${got}`;
  }
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${got}`;
    case 'too_small':
      if (issue.origin === 'string') return SECRET_KEY.test(String(path[path.length - 1] ?? '')) ? `${where} must not be empty` : `${where}: expected a non-empty string, got ${got}`;
      return `${where}: ${issue.message}, got ${got}`;
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    default:
      return `${where}: ${issue.message.replace(/^Invalid input:?\s*/i, '') || 'not understood'}, got ${got}`;
  }
}

/**
 * The first characters of a body that is not JSON, on one line, in quotes, for an error message. Not
 * JSON-escaped, so that the output layer's redaction still recognises `"api_key": "..."` in it.
 */
export function bodySnippet(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `"${oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine}"`;
}
