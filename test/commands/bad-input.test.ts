// The bad-input table: every case exits 2 with one error line on stderr, nothing on stdout, and NO request
// sent. nsx points at a loopback server that records every request it receives (API and token URL), so
// "nothing was sent" is a count, not an assumption.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNsxInProcess } from '../helpers/run-nsx-in-process.js';
import { isolatedHome, type IsolatedHome } from '../helpers/cli.js';
import { serveHandlers, type LoopbackServer } from '../helpers/msw-loopback.js';

let server: LoopbackServer;
let home: IsolatedHome;
let files: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await serveHandlers([]); // answers 501 to anything: no case may get that far
  home = isolatedHome();
  files = mkdtempSync(join(tmpdir(), 'nsx-bad-input-'));
  writeFileSync(join(files, 'empty.key'), '\n', { mode: 0o600 });
  writeFileSync(join(files, 'locked.key'), 'k', { mode: 0o600 });
  chmodSync(join(files, 'locked.key'), 0o000);
  writeFileSync(join(files, 'two-keys.key'), 'key-one\nkey-two\n', { mode: 0o600 });
  writeFileSync(join(files, 'aws-no-secret'), '[default]\naws_access_key_id = AKIA\n', { mode: 0o600 });
  writeFileSync(join(files, 'a-file'), 'x');
  mkdirSync(join(files, 'a-folder'));
  env = {
    ...home.env,
    NSX_BASE_URL: server.url,
    NSX_TOKEN_URL: `${server.url}/token`,
    NSX_CLIENT_ID: 'nsx-test',
    NSX_CLIENT_SECRET: 'never-sent-secret',
  };
});
afterAll(async () => {
  await server.close();
  home.cleanup();
  rmSync(files, { recursive: true, force: true });
});

const HOOK = 'https://erp.example.com/newstore';
const reg = (...args: string[]) => ['integrations', 'register', 'erp-new', ...args];
const replay = (...args: string[]) => ['integrations', 'replay', '--callback-url', HOOK, ...args];
const f = (name: string) => join(files ?? '', name);

/** [what is wrong, argv (a function where it needs the temp folder), the error line it must print]. */
const CASES: Array<[string, string[] | (() => string[]), RegExp]> = [
  // Commands and flags (commander)
  ['unknown command, with a suggestion', ['integratons', 'list'], /unknown command 'integratons'[\s\S]*Did you mean integrations\?/],
  ['unknown subcommand, with a suggestion', ['integrations', 'lst'], /unknown command 'lst'[\s\S]*Did you mean (one of )?list/],
  ['unknown rejected subcommand, with a suggestion', ['rejected', 'retyr', 'erp-orders'], /unknown command 'retyr'[\s\S]*Did you mean retry\?/],
  ['unknown option', ['integrations', 'list', '--bogus'], /unknown option '--bogus'/],
  ['--status outside its choices', ['integrations', 'list', '--status', 'paused'], /argument 'paused' is invalid/],
  ['--output outside its choices', ['--output', 'yaml', 'integrations', 'list'], /argument 'yaml' is invalid/],
  ['missing id', ['integrations', 'get'], /missing required argument 'id'/],
  ['option without its value', ['logs', 'list', 'erp-orders', '--limit'], /option '--limit <n>' argument missing/],
  ['replay without --since', ['integrations', 'replay', '--callback-url', HOOK], /required option '--since <time>' not specified/],
  // Ids
  ['id with a space', ['integrations', 'get', 'erp orders'], /integration id "erp orders" is not valid/],
  ['id with a slash', ['logs', 'list', 'erp/orders'], /integration id "erp\/orders" is not valid/],
  ['id starting with a dot', ['integrations', 'stop', '../etc', '--yes'], /integration id "\.\.\/etc" is not valid/],
  ['id longer than 64 characters', ['integrations', 'start', 'x'.repeat(65)], /integration id "x{65}" is not valid/],
  ['register with a bad id', ['integrations', 'register', '_erp', '--callback-url', HOOK], /integration id "_erp" is not valid/],
  ['replay with a bad --id', replay('--since', '1d', '--id', 'has space'), /--id "has space" is not valid/],
  ['rejected event id with a slash', ['rejected', 'show', 'erp-orders', 'a/b'], /event id "a\/b" is not valid/],
  ['rejected list of a bad id', ['rejected', 'list', 'erp orders'], /integration id "erp orders" is not valid/],
  // URLs
  ['plain http callback to a public host', reg('--callback-url', 'http://erp.example.com/hook'), /--callback-url: plain http:\/\/ is allowed only for loopback hosts/],
  ['callback with an unsupported scheme', reg('--callback-url', 'ftp://erp.example.com/hook'), /--callback-url: unsupported scheme ftp:/],
  ['callback that is not a URL', reg('--callback-url', 'erp.example.com'), /--callback-url: "erp\.example\.com" is not a URL/],
  ['callback with a password in it', reg('--callback-url', 'https://user:pw@erp.example.com/h'), /must not carry a user or password/],
  ['replay to plain http', ['integrations', 'replay', '--since', '1d', '--callback-url', 'http://10.0.0.8/h'], /plain http:\/\/ is allowed only for loopback hosts/],
  ['base URL over plain http', ['--base-url', 'http://api.example.com', 'integrations', 'list'], /base URL: plain http:\/\/ is allowed only for loopback hosts/],
  // Dates and durations
  ['--starts-at that is not a date', reg('--callback-url', HOOK, '--starts-at', 'yesterday'), /--starts-at: "yesterday" is not a date/],
  ['--starts-at on a day that does not exist', reg('--callback-url', HOOK, '--starts-at', '2026-02-30'), /--starts-at: "2026-02-30" is not a date/],
  ['--ends-at without --starts-at', reg('--callback-url', HOOK, '--ends-at', '1d'), /--ends-at needs --starts-at/],
  ['--ends-at before --starts-at', reg('--callback-url', HOOK, '--starts-at', '2026-11-21', '--ends-at', '2026-11-20'), /--ends-at .* must be after --starts-at/],
  ['replay --since after --until', replay('--since', '2026-11-21', '--until', '2026-11-20'), /--since .* must be before --until/],
  ['replay into the future', replay('--since', '1d', '--until', '2099-01-01'), /--until .* is in the future/],
  ['logs --since that is not a date', ['logs', 'list', 'erp-orders', '--since', 'soon'], /--since: "soon" is not a date/],
  ['logs --since after --until', ['logs', 'list', 'erp-orders', '--since', '1h', '--until', '2h'], /--since .* is after --until/],
  ['rejected --until that is not a date', ['rejected', 'list', 'erp-orders', '--until', '2026-13-01'], /--until: "2026-13-01" is not a date/],
  ['tail --interval that is not a duration', ['logs', 'tail', 'erp-orders', '--interval', 'fast'], /--interval: "fast" is not a duration/],
  ['global --timeout that is not a duration', ['--timeout', 'soon', 'integrations', 'list'], /--timeout: "soon" is not a duration/],
  // Files
  ['api key file that does not exist', () => reg('--callback-url', HOOK, '--api-key-file', f('missing.key')), /--api-key-file: cannot read .*missing\.key: no such file$/m],
  ['api key file that is a folder (cannot be read as a key)', () => reg('--callback-url', HOOK, '--api-key-file', f('a-folder')), /--api-key-file: .*a-folder is a directory, not a file/],
  ['api key file that is empty', () => reg('--callback-url', HOOK, '--api-key-file', f('empty.key')), /--api-key-file: .*empty\.key is empty/],
  ['api key file with two keys', () => reg('--callback-url', HOOK, '--api-key-file', f('two-keys.key')), /one key, one line/],
  ['AWS credentials file without the secret', () => reg('--s3-bucket', 'acme-archive', '--s3-region', 'eu-central-1', '--aws-credentials-file', f('aws-no-secret')), /needs aws_access_key_id and aws_secret_access_key/],
  ['delete --export into a file', () => ['integrations', 'delete', 'erp-orders', '--yes', '--export', f('a-file')], /--export: .*a-file exists and is not a folder/],
  ['rejected export into a missing folder', () => ['rejected', 'export', 'erp-orders', '--file', f('no-dir/out.ndjson')], /no-dir is not an existing folder/],
  // Secrets and conflicting flags
  ['api key as a plain flag value', reg('--callback-url', HOOK, '--api-key', 'sekrit-123'), /--api-key takes no value on the command line/],
  ['AWS secret as a plain flag value', reg('--s3-bucket', 'acme-archive', '--aws-secret-access-key', 'x'), /--aws-secret-access-key takes no value on the command line/],
  ['webhook and S3 at once', reg('--callback-url', HOOK, '--s3-bucket', 'acme-archive'), /cannot be combined: an integration has one destination/],
  ['two sources for one api key', reg('--callback-url', HOOK, '--api-key-env', 'A', '--api-key-stdin'), /give the api key one way/],
  ['no destination', reg(), /a destination is needed: --callback-url URL .* or --s3-bucket BUCKET/],
  ['--api-key-env given the key instead of a name', reg('--callback-url', HOOK, '--api-key-env', 'sk-live-123'), /takes the NAME of an environment variable/],
  ['--api-key-env naming an unset variable', reg('--callback-url', HOOK, '--api-key-env', 'NSX_TEST_UNSET_KEY'), /NSX_TEST_UNSET_KEY is not set or empty/],
  ['api key flags on an S3 export', reg('--s3-bucket', 'acme-archive', '--api-key-env', 'A'), /--api-key-\* belongs to a webhook/],
  ['invalid S3 bucket name', reg('--s3-bucket', 'Acme_Archive', '--s3-region', 'eu-central-1', '--aws-credentials-env'), /--s3-bucket: "Acme_Archive" is not a valid bucket name/],
  ['invalid S3 region', reg('--s3-bucket', 'acme-archive', '--s3-region', 'mars', '--aws-credentials-env'), /--s3-region: "mars" is not an AWS region/],
  ['event filter with a glob', reg('--callback-url', HOOK, '--events', 'order.*'), /--events: "order\.\*" is not an event name/],
  ['--wait-timeout without --wait', replay('--since', '1d', '--wait-timeout', '5m'), /--wait-timeout and --interval only apply with --wait/],
  ['tail with --until', ['logs', 'tail', 'erp-orders', '--until', '1h'], /--until does not apply to logs tail/],
  ['rejected retry with ids and --all', ['rejected', 'retry', 'erp-orders', 'evt-1', '--all', '--yes'], /--all and explicit event ids are mutually exclusive/],
  // Filter values
  ['--level outside info/warning/error', ['logs', 'list', 'erp-orders', '--level', 'fatal'], /--level: "fatal" is not one of info, warning, error/],
  ['--limit 0', ['logs', 'list', 'erp-orders', '--limit', '0'], /--limit: "0" is not a positive whole number/],
  ['--status-code that is not one', ['rejected', 'list', 'erp-orders', '--status-code', '99'], /--status-code: "99" is not a status code/],
  ['--match without PATH=VALUE', ['rejected', 'list', 'erp-orders', '--match', 'product_id'], /--match: "product_id" must be PATH=VALUE/],
];

describe('bad input: exit 2, one error line, nothing sent', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  // Each case gets its own path prefix on the server, so a request can be pinned on the case that sent it.
  it.concurrent.each(CASES.map(([what, argv, message], i) => [what, i, argv, message] as const))('%s', async (_what, i, argv, message) => {
    const args = typeof argv === 'function' ? argv() : argv;
    const prefix = `/case-${i}`;
    const r = await runNsxInProcess(args, { env: { ...env, NSX_BASE_URL: `${server.url}${prefix}`, NSX_TOKEN_URL: `${server.url}${prefix}/token` } });
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect({ code: r.code, stdout: r.stdout, errorLines: errorLines.length }, r.stderr).toEqual({ code: 2, stdout: '', errorLines: 1 });
    expect(r.stderr.split('\n')[0]).toMatch(/^error: /); // the error comes first: no stack, no noise before it
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3); // the error, then at most a hint or the --help pointer
    expect(r.stderr).not.toContain('sekrit-123');
    expect(server.requests.filter((q) => q.path.startsWith(`${prefix}/`)).map((q) => `${q.method} ${q.path}`)).toEqual([]);
  });

  // Root can read a mode-000 file, so this case only bites for other users (the folder case above covers root).
  it.runIf(process.getuid?.() !== 0)('api key file that cannot be read', async () => {
    const r = await runNsxInProcess(reg('--callback-url', HOOK, '--api-key-file', f('locked.key')), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-key-file: .*locked\.key cannot be read \(permission denied\)/);
  });

  it('nothing reached the API or the token endpoint in any case', () => {
    expect(server.requests.map((q) => `${q.method} ${q.path}`)).toEqual([]);
  });
});
