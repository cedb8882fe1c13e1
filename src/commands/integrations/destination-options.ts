// The destination and filter flags of `integrations register` and `integrations replay`, declared once.
// Kept apart from register-request.ts so that building the command tree loads commander only.
import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export interface DestinationFlags {
  callbackUrl?: string;
  apiKeyFile?: string;
  apiKeyStdin?: boolean;
  apiKeyEnv?: string;
  apiKey?: string; // refused: present only to answer with a clear message
  s3Bucket?: string;
  s3Prefix?: string;
  s3Region?: string;
  awsCredentialsFile?: string;
  awsCredentialsEnv?: boolean;
  awsSecretAccessKey?: string; // refused, as apiKey
  events?: string[];
  entities?: string[];
}

export function addDestinationOptions(cmd: Command): Command {
  return addFilterOptions(addS3Options(addWebhookOptions(cmd)));
}

/** --callback-url and the api key flags (register, replay, update). */
export function addWebhookOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--callback-url <url>', 'webhook: the receiver NewStore POSTs events to (https://; http:// only for loopback)'))
    .addOption(new Option('--api-key-file <path>', 'webhook: read the api key (sent as "Authorization: Bearer") from this file'))
    .addOption(new Option('--api-key-stdin', 'webhook: read the api key from stdin'))
    .addOption(new Option('--api-key-env <name>', 'webhook: read the api key from the environment variable NAME'))
    .addOption(new Option('--api-key <value>').hideHelp());
}

function addS3Options(cmd: Command): Command {
  return cmd
    .addOption(new Option('--s3-bucket <bucket>', 'S3 export: the bucket events are written to'))
    .addOption(new Option('--s3-prefix <prefix>', 'S3 export: key prefix inside the bucket, e.g. newstore/events'))
    .addOption(new Option('--s3-region <region>', 'S3 export: the bucket\'s region, e.g. eu-central-1 (default: $AWS_REGION)'))
    .addOption(new Option('--aws-credentials-file <path>', 'S3 export: AWS keys from a credentials file ([default] or its only section)'))
    .addOption(new Option('--aws-credentials-env', 'S3 export: AWS keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY'))
    .addOption(new Option('--aws-secret-access-key <value>').hideHelp());
}

/** --events / --entities (register, replay, update). */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--events <names>', 'only these events, e.g. order.created,order.cancelled (repeatable)').argParser(collect))
    .addOption(new Option('--entities <names>', 'only events of these entities, e.g. order,fulfillment_request (repeatable)').argParser(collect));
}
