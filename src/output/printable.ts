// Text from servers (ids, messages, receiver answers) is data: it must not drive the terminal. C0 controls
// other than tab and newline, DEL and C1 controls can move the cursor, clear or rewrite the screen, set the
// window title (OSC) or ring the bell; they are shown as \xHH instead. JSON output stays JSON, with DEL and
// C1 escaped too (jsonText).

// eslint-disable-next-line no-control-regex
const CONTROL_OR_SGR = /(\x1b\[[0-9;]{0,32}m)|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const escapeChar = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * `text` with every control character escaped. With `keepColour` (the stream shows nsx's own colours),
 * plain colour codes (SGR, `ESC [ … m`) pass: they only colour text, and nsx's styling is made of them.
 */
export function printable(text: string, keepColour = false): string {
  if (!keepColour) return text.replace(CONTROL, escapeChar);
  return text.replace(CONTROL_OR_SGR, (match: string, sgr: string | undefined) => (sgr ? sgr : escapeChar(match)));
}

// eslint-disable-next-line no-control-regex
const JSON_UNESCAPED_CONTROL = /[\x7f-\x9f]/g;

/**
 * JSON text with DEL and the C1 controls escaped as well (`JSON.stringify` escapes only those below
 * U+0020): the same value, and nothing in it that a terminal would act on.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNESCAPED_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
