// The destination and filter options of `integrations register`, `replay` and `update`, declared once and
// spread into each verb's options. Kept apart from register-request.ts so that building the command tree
// loads commander only.
import { flag, list, value, type OptionValues } from '../define.js';

/** --callback-url and the api key flags (register, replay, update). */
export const webhookOptions = {
  callbackUrl: value('--callback-url <url>', 'webhook: the receiver NewStore POSTs events to (https://; http:// only for loopback)'),
  apiKeyFile: value('--api-key-file <path>', 'webhook: read the api key (sent as "Authorization: Bearer") from this file'),
  apiKeyStdin: flag('--api-key-stdin', 'webhook: read the api key from stdin'),
  apiKeyEnv: value('--api-key-env <name>', 'webhook: read the api key from the environment variable NAME'),
  // refused: present only to answer with a clear message
  apiKey: value('--api-key <value>', undefined, { hidden: true }),
};

const s3Options = {
  s3Bucket: value('--s3-bucket <bucket>', 'S3 export: the bucket events are written to'),
  s3Prefix: value('--s3-prefix <prefix>', 'S3 export: key prefix inside the bucket, e.g. newstore/events'),
  s3Region: value('--s3-region <region>', "S3 export: the bucket's region, e.g. eu-central-1 (default: $AWS_REGION)"),
  awsCredentialsFile: value('--aws-credentials-file <path>', 'S3 export: AWS keys from a credentials file ([default] or its only section)'),
  awsCredentialsEnv: flag('--aws-credentials-env', 'S3 export: AWS keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY'),
  // refused, as --api-key
  awsSecretAccessKey: value('--aws-secret-access-key <value>', undefined, { hidden: true }),
};

/** --events / --entities (register, replay, update). */
export const filterOptions = {
  events: list('--events <names>', 'only these events, e.g. order.created,order.cancelled (repeatable)'),
  entities: list('--entities <names>', 'only events of these entities, e.g. order,fulfillment_request (repeatable)'),
};

/** A webhook or an S3 export, and the event filter (register, replay). */
export const destinationOptions = { ...webhookOptions, ...s3Options, ...filterOptions };

export type DestinationFlags = OptionValues<typeof destinationOptions>;
