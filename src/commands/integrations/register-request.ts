// The destination and filter flags shared by `integrations register` and `integrations replay`, and
// the one function that turns them into a RegisterRequest. Secrets come from a file, stdin or a named
// environment variable, never from a flag value (argv is visible in `ps` and shell history).
import { readFileSync, statSync } from 'node:fs';
import { RegisterRequest, type FilterConditions, type Integration } from '../../api/schemas.js';
import { integrationIsStopped } from '../../api/schemas.js';
import { assertAllowedUrl } from '../../config/profiles.js';
import { PreconditionError, UsageError, ApiError } from '../../errors.js';
import { readAllStdin } from '../../input/stdin.js';
import { unreadableFile } from '../../input/files.js';
import { LIMITS, STATUS } from '../../api/routes.js';
import type { ApiClient } from '../../api/client.js';
import type { Output } from '../../output/output.js';
import { rememberIntegrationIds } from '../../config/id-cache.js';
import type { DestinationFlags } from './destination-options.js';
import type { CommandContext } from '../context.js';

export type { DestinationFlags };

type Destination = Pick<RegisterRequest, 'callback_parameters' | 's3_parameters'>;

/**
 * Checks the flags and reads the secrets they point at; every problem is a UsageError (exit 2) before
 * any request. Secrets read are registered with the output layer so that they are masked on stderr.
 */
export async function destinationFromFlags(flags: DestinationFlags, output: Output, env: NodeJS.ProcessEnv): Promise<Destination> {
  refuseApiKeyValue(flags);
  if (flags.awsSecretAccessKey !== undefined) {
    throw new UsageError('--aws-secret-access-key takes no value on the command line: use --aws-credentials-file or --aws-credentials-env');
  }
  const webhook = flags.callbackUrl !== undefined;
  const s3Flags = ['s3Bucket', 's3Prefix', 's3Region', 'awsCredentialsFile', 'awsCredentialsEnv'] as const;
  const s3 = s3Flags.some((k) => flags[k] !== undefined);
  if (webhook && s3) throw new UsageError('--callback-url (webhook) and --s3-* / --aws-* (S3 export) cannot be combined: an integration has one destination');
  if (!webhook && !s3) throw new UsageError('a destination is needed: --callback-url URL (webhook) or --s3-bucket BUCKET (S3 export)');

  if (webhook) {
    const url = parseCallbackUrl(flags.callbackUrl!);
    const apiKey = await readApiKey(flags, output, env);
    return { callback_parameters: { callback_url: url, ...(apiKey !== undefined ? { api_key: apiKey } : {}) } };
  }
  if (flags.apiKeyFile !== undefined || flags.apiKeyStdin || flags.apiKeyEnv !== undefined) {
    throw new UsageError('--api-key-* belongs to a webhook (--callback-url); an S3 export takes --aws-credentials-file or --aws-credentials-env');
  }
  if (!flags.s3Bucket) throw new UsageError('an S3 export needs --s3-bucket BUCKET');
  const bucket = parseBucket(flags.s3Bucket);
  const region = flags.s3Region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('an S3 export needs --s3-region REGION (or $AWS_REGION), e.g. eu-central-1');
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(region)) throw new UsageError(`--s3-region: "${region}" is not an AWS region (e.g. eu-central-1)`);
  let prefix = flags.s3Prefix;
  if (prefix !== undefined) {
    if (prefix.startsWith('/')) throw new UsageError(`--s3-prefix: "${prefix}" must not start with "/" (S3 keys are relative to the bucket)`);
    if (!prefix) prefix = undefined;
  }
  const keys = readAwsKeys(flags, output, env);
  return {
    s3_parameters: { ...keys, aws_region: region, bucket, ...(prefix !== undefined ? { key_prefix: prefix } : {}) },
  };
}

/** The api-key flags, as `integrations register/update` and `receiver check` declare them. */
export interface ApiKeySourceFlags {
  apiKey?: string | undefined;
  apiKeyFile?: string | undefined;
  apiKeyStdin?: boolean | undefined;
  apiKeyEnv?: string | undefined;
}

export function refuseApiKeyValue(flags: ApiKeySourceFlags): void {
  if (flags.apiKey !== undefined) {
    throw new UsageError('--api-key takes no value on the command line (it would show in ps and shell history): use --api-key-file, --api-key-stdin or --api-key-env NAME');
  }
}

/**
 * The webhook fields `integrations update` changes, each only when its flag is given; checked and read
 * (the key from a file, stdin or an environment variable, as register does) before any request.
 */
export async function callbackChangesFromFlags(flags: DestinationFlags, output: Output, env: NodeJS.ProcessEnv): Promise<{ callback_url?: string; api_key?: string }> {
  refuseApiKeyValue(flags);
  const url = flags.callbackUrl === undefined ? undefined : parseCallbackUrl(flags.callbackUrl);
  const apiKey = await readApiKey(flags, output, env);
  return { ...(url !== undefined ? { callback_url: url } : {}), ...(apiKey !== undefined ? { api_key: apiKey } : {}) };
}

export function parseCallbackUrl(value: string): string {
  const url = assertAllowedUrl(value, '--callback-url');
  if (/^[a-z]+:\/\/[^/]*@/i.test(url)) {
    throw new UsageError('--callback-url must not carry a user or password (it would be stored and shown): pass the key with --api-key-file');
  }
  return url;
}

function parseBucket(value: string): string {
  // S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) || value.includes('..')) {
    throw new UsageError(`--s3-bucket: "${value}" is not a valid bucket name (3-63 lowercase letters, digits, "." and "-")`);
  }
  return value;
}

/** The key from --api-key-file, --api-key-stdin or --api-key-env (one of them), registered with the output as a secret. */
export async function readApiKey(flags: ApiKeySourceFlags, output: Output, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const sources = [flags.apiKeyFile !== undefined, Boolean(flags.apiKeyStdin), flags.apiKeyEnv !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError('give the api key one way: --api-key-file, --api-key-stdin or --api-key-env');
  let key: string | undefined;
  if (flags.apiKeyFile !== undefined) key = readSecretFile(flags.apiKeyFile, '--api-key-file', output);
  else if (flags.apiKeyEnv !== undefined) key = readSecretEnv(env, flags.apiKeyEnv, '--api-key-env');
  else if (flags.apiKeyStdin) {
    key = (await readAllStdin()).trim();
    if (!key) throw new UsageError('--api-key-stdin: nothing was piped in');
  }
  if (key !== undefined && /\s/.test(key)) throw new UsageError('the api key contains white space or several lines: one key, one line');
  output.addSecret(key);
  return key;
}

/** Reads a one-value secret file, refusing what cannot be a key; warns when others can read it. */
export function readSecretFile(path: string, flag: string, output: Output): string {
  let size: number;
  let mode: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory, not a file`);
    size = st.size;
    mode = st.mode & 0o777;
  } catch (error) {
    throw fileError(error, path, flag);
  }
  if (size > 64 * 1024) throw new UsageError(`${flag}: ${path} is ${size} bytes: too big for a key file`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileError(error, path, flag);
  }
  const value = text.trim();
  if (!value) throw new UsageError(`${flag}: ${path} is empty`);
  if ((mode & 0o077) !== 0) output.warn(`${path} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${path}`);
  return value;
}

function fileError(error: unknown, path: string, flag: string): unknown {
  if (error instanceof UsageError) return error;
  return unreadableFile(error, path, flag);
}

function readSecretEnv(env: NodeJS.ProcessEnv, name: string, flag: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`${flag} takes the NAME of an environment variable (e.g. ERP_API_KEY), not the key itself`);
  }
  const value = env[name]?.trim();
  if (!value) throw new UsageError(`${flag}: the environment variable ${name} is not set or empty`);
  return value;
}

function readAwsKeys(flags: DestinationFlags, output: Output, env: NodeJS.ProcessEnv): { aws_access_key_id: string; aws_secret_access_key: string } {
  if (flags.awsCredentialsFile !== undefined && flags.awsCredentialsEnv) {
    throw new UsageError('give the AWS keys one way: --aws-credentials-file or --aws-credentials-env');
  }
  let keys: { aws_access_key_id: string; aws_secret_access_key: string };
  if (flags.awsCredentialsFile !== undefined) {
    keys = parseAwsCredentials(readSecretFile(flags.awsCredentialsFile, '--aws-credentials-file', output), flags.awsCredentialsFile);
  } else if (flags.awsCredentialsEnv) {
    keys = {
      aws_access_key_id: readSecretEnv(env, 'AWS_ACCESS_KEY_ID', '--aws-credentials-env'),
      aws_secret_access_key: readSecretEnv(env, 'AWS_SECRET_ACCESS_KEY', '--aws-credentials-env'),
    };
  } else {
    throw new UsageError('an S3 export needs AWS keys: --aws-credentials-file PATH or --aws-credentials-env');
  }
  output.addSecret(keys.aws_secret_access_key);
  return keys;
}

/** The AWS credentials-file syntax (`key = value` lines, `[section]` headers): [default], else the only section. */
export function parseAwsCredentials(text: string, path: string): { aws_access_key_id: string; aws_secret_access_key: string } {
  const sections = new Map<string, Record<string, string>>();
  let current = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1]!.replace(/^profile\s+/, '');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const section = sections.get(current) ?? {};
    section[key] = line.slice(eq + 1).trim();
    sections.set(current, section);
  }
  const chosen = sections.get('default') ?? (sections.size === 1 ? [...sections.values()][0] : undefined);
  const id = chosen?.aws_access_key_id;
  const secret = chosen?.aws_secret_access_key;
  if (!id || !secret) {
    throw new UsageError(
      `--aws-credentials-file: ${path} needs aws_access_key_id and aws_secret_access_key${sections.size > 1 ? ' in a [default] section' : ''}`,
    );
  }
  return { aws_access_key_id: id, aws_secret_access_key: secret };
}

/** --events / --entities as NewStore's filter_conditions; undefined means every event. */
export function filterConditionsFromFlags(flags: Pick<DestinationFlags, 'events' | 'entities'>): FilterConditions | undefined {
  const split = (v: string[] | undefined) => v?.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  const events = split(flags.events);
  const entities = split(flags.entities);
  for (const e of events ?? []) {
    if (!/^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$/.test(e)) {
      throw new UsageError(`--events: "${e}" is not an event name (entity.action, e.g. order.created; no globs)`);
    }
  }
  for (const e of entities ?? []) {
    if (!/^[a-z][a-z0-9_]*$/.test(e)) throw new UsageError(`--entities: "${e}" is not an entity name (e.g. order, fulfillment_request)`);
  }
  if (!events?.length && !entities?.length) return undefined;
  return { ...(events?.length ? { events: [...new Set(events)] } : {}), ...(entities?.length ? { entities: [...new Set(entities)] } : {}) };
}

/** Final check of the assembled body against the schema the sandbox also validates with. */
export function validatedRequest(request: RegisterRequest): RegisterRequest {
  const parsed = RegisterRequest.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`invalid registration (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/**
 * Registers after checking, with the one list call, what would make NewStore answer 409: an existing id
 * or the 25-integration limit. The server's 409 (a race with someone else) gets the same clear message.
 * With `renameIfTaken` (an id nsx chose, not the user) a taken id gets a "-2", "-3", ... suffix instead.
 */
export async function registerChecked(ctx: Pick<CommandContext, 'command' | 'globals'>, client: ApiClient, request: RegisterRequest, options: { renameIfTaken?: boolean } = {}): Promise<Integration> {
  let unreadable = 0; // entries without a readable id still count toward the limit
  const existing = await client.eventstream.listIntegrations({ onUnreadable: () => unreadable++ });
  const ids = existing.map((i) => i.id);
  rememberIntegrationIds(ctx.globals, ids);
  let body = request;
  if (ids.includes(request.id)) {
    if (!options.renameIfTaken) {
      throw new PreconditionError(`an integration "${request.id}" already exists`, {
        hint: `pick another id, or look at it: ${ctx.command('integrations', 'get', request.id)}`,
      });
    }
    let n = 2;
    while (ids.includes(`${request.id}-${n}`)) n++;
    body = { ...request, id: `${request.id}-${n}` };
  }
  if (existing.length + unreadable >= LIMITS.maxIntegrations) {
    throw limitError(ctx, existing.length + unreadable, existing.filter(integrationIsStopped).map((i) => i.id));
  }
  try {
    const created = await client.eventstream.registerIntegration(body);
    rememberIntegrationIds(ctx.globals, [...ids, created.id]);
    return created;
  } catch (error) {
    if (error instanceof ApiError && error.status === STATUS.duplicateOrLimit) {
      throw new PreconditionError(
        `NewStore refused "${body.id}" (409): the id exists or the ${LIMITS.maxIntegrations}-integration limit was reached meanwhile${error.detail ? ` (${error.detail})` : ''}`,
        { hint: `check: ${ctx.command('integrations', 'list')}` },
      );
    }
    throw error;
  }
}

function limitError(ctx: Pick<CommandContext, 'command'>, count: number, stopped: string[]): PreconditionError {
  const candidates = stopped.length ? `stopped ones: ${stopped.slice(0, 5).join(', ')}${stopped.length > 5 ? ', ...' : ''}` : ctx.command('integrations', 'list');
  return new PreconditionError(
    `NewStore allows at most ${LIMITS.maxIntegrations} integrations (stopped and temporary ones count) and ${count} exist: nothing was registered`,
    { hint: `delete one first with ${ctx.command('integrations', 'delete', 'ID')} (${candidates})` },
  );
}
