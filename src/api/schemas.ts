// Every JSON shape nsx exchanges with NewStore, as zod schemas. Types come from here (z.infer).
// Response schemas are lenient [contract §"tags"]: unknown fields are kept (looseObject) so that
// `--output json` shows them, and only the fields nsx uses are required. Request schemas are strict:
// the sandbox validates what it receives with them, and the commands build their bodies from them.
import * as z from 'zod';

const timestamp = z.string(); // ISO-8601 UTC, with or without milliseconds [doc]; kept as sent

// ---- Errors [doc] -------------------------------------------------------------------------------
export const Problem = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  request_id: z.string().optional(),
  message: z.string().optional(), // older endpoints: {message, request_id}
});
export type Problem = z.infer<typeof Problem>;

// ---- Tokens [doc] -------------------------------------------------------------------------------
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
  token_type: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

// ---- Integrations [doc field names] -----------------------------------------------------------
export const INTEGRATION_STATUSES = ['running', 'stopped'] as const;
export const INTEGRATION_TYPES = ['permanent', 'temporary'] as const;

export const CallbackParameters = z.looseObject({
  callback_url: z.string(),
  api_key: z.string().nullish(), // secret
});
export const S3Parameters = z.looseObject({
  aws_access_key_id: z.string().nullish(),
  aws_secret_access_key: z.string().nullish(), // secret
  aws_region: z.string().nullish(),
  bucket: z.string(),
  key_prefix: z.string().nullish(),
});
/** [assumed] an event passes when its name is in `events` or its entity (before the first `.`) is in `entities`. */
export const FilterConditions = z.looseObject({
  entities: z.array(z.string()).optional(),
  events: z.array(z.string()).optional(),
});
export type FilterConditions = z.infer<typeof FilterConditions>;

export const Integration = z.looseObject({
  id: z.string(),
  status: z.string(), // running | stopped; kept lenient so a new status does not break listing
  integration_type: z.string().nullish(),
  starts_at: timestamp.nullish(),
  ends_at: timestamp.nullish(),
  callback_parameters: CallbackParameters.nullish(),
  s3_parameters: S3Parameters.nullish(),
  filter_conditions: FilterConditions.nullish(),
});
export type Integration = z.infer<typeof Integration>;

export const IntegrationList = z.looseObject({ integrations: z.array(Integration) });

/** Secret fields inside an Integration, masked unless the user asks for them. */
export const INTEGRATION_SECRET_PATHS = [
  ['callback_parameters', 'api_key'],
  ['s3_parameters', 'aws_secret_access_key'],
] as const;

export const RegisterRequest = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    integration_type: z.enum(INTEGRATION_TYPES).optional(),
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).optional(),
    callback_parameters: z
      .strictObject({ callback_url: z.url(), api_key: z.string().optional() })
      .optional(),
    s3_parameters: z
      .strictObject({
        aws_access_key_id: z.string().min(1),
        aws_secret_access_key: z.string().min(1),
        aws_region: z.string().min(1),
        bucket: z.string().min(1),
        key_prefix: z.string().optional(),
      })
      .optional(),
    filter_conditions: z
      .strictObject({ entities: z.array(z.string()).optional(), events: z.array(z.string()).optional() })
      .optional(),
  })
  .refine((r) => Boolean(r.callback_parameters) !== Boolean(r.s3_parameters), {
    message: 'exactly one of callback_parameters or s3_parameters is required',
    path: ['callback_parameters'],
  })
  .refine((r) => !r.ends_at || Boolean(r.starts_at), {
    message: 'ends_at needs starts_at',
    path: ['starts_at'],
  });
export type RegisterRequest = z.infer<typeof RegisterRequest>;

// ---- Pagination [assumed] -----------------------------------------------------------------------
export const PaginationInfo = z.looseObject({
  offset: z.number(),
  count: z.number(),
  total: z.number().optional(),
});
export type PaginationInfo = z.infer<typeof PaginationInfo>;
/** Envelope keys of the paginated lists [assumed]; a bare JSON array is accepted as well. */
export const ENVELOPE = {
  logs: 'logs',
  rejectedEvents: 'rejected_events',
  integrations: 'integrations',
  pagination: 'pagination_info',
} as const;

// ---- Logs [assumed] -------------------------------------------------------------------------------
export const LOG_LEVELS = ['info', 'warning', 'error'] as const;
export const LogEntry = z.looseObject({
  id: z.string(),
  created_at: timestamp,
  level: z.string(),
  message: z.string(),
  event_name: z.string().nullish(),
  status_code: z.number().nullish(),
});
export type LogEntry = z.infer<typeof LogEntry>;

// ---- Webhook body [doc, idempotency_key field name assumed] ---------------------------------------
export const EventPayload = z.looseObject({
  id: z.string().optional(),
  order_id: z.string().optional(),
  logical_timestamp: z.number().optional(), // [assumed] on fulfillment_request.* payloads
});
export const WebhookBody = z.looseObject({
  tenant: z.string().optional(),
  name: z.string(),
  published_at: timestamp.optional(),
  idempotency_key: z.string().optional(),
  payload: EventPayload,
});
export type WebhookBody = z.infer<typeof WebhookBody>;

// ---- Rejected events [assumed] ------------------------------------------------------------------
export const ReceiverResponse = z.looseObject({
  status_code: z.number().nullish(),
  body: z.unknown().optional(),
});
export type ReceiverResponse = z.infer<typeof ReceiverResponse>;

export const RejectedEvent = z.looseObject({
  id: z.string(),
  rejected_at: timestamp,
  attempts: z.number().optional(),
  event: WebhookBody,
  response: ReceiverResponse.nullish(),
});
export type RejectedEvent = z.infer<typeof RejectedEvent>;

export const RetryResult = z.looseObject({
  id: z.string().optional(),
  delivered: z.boolean(),
  response: ReceiverResponse.nullish(),
});
export type RetryResult = z.infer<typeof RetryResult>;

// ---- Published events [doc] -----------------------------------------------------------------------
export const PublishedEvent = z.looseObject({});
export const PublishedEventList = z.array(PublishedEvent);

// ---- Imports [doc; errors list assumed] -------------------------------------------------------------
export const IMPORT_STATES = ['received', 'waiting', 'processing', 'finished', 'failed'] as const;
export const OPEN_IMPORT_STATES = ['received', 'waiting'] as const; // count toward the 20-job limit
export const IMPORT_ENTITY_AVAILABILITIES = 'availabilities';

export const CreateImportRequest = z.strictObject({
  provider: z.string().min(1),
  name: z.string().min(1),
  source_uri: z.string().min(1),
  entities: z.array(z.string().min(1)).min(1),
  full: z.boolean().default(false),
  revision: z.number().int().nonnegative().optional(),
});
export type CreateImportRequest = z.input<typeof CreateImportRequest>;
export const CreateImportResponse = z.looseObject({ id: z.string() });
export const StartImportRequest = z.strictObject({ transformed_uri: z.string().min(1) });

export const ImportJob = z.looseObject({
  import_id: z.string(),
  entities: z.array(z.string()).nullish(),
  provider: z.string().nullish(),
  name: z.string().nullish(),
  source_uri: z.string().nullish(),
  transformed_uri: z.string().nullish(),
  revision: z.number().nullish(),
  received_at: timestamp.nullish(),
  completed_at: timestamp.nullish(),
  state: z.string(),
  reason: z.string().nullish(),
  full: z.boolean().nullish(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportError = z.looseObject({ item: z.unknown().optional(), message: z.string() });
export const ImportErrorList = z.looseObject({ errors: z.array(ImportError) });
export type ImportError = z.infer<typeof ImportError>;

// ---- The availabilities file inside an import zip [assumed] --------------------------------------
export const StoreMappingEntry = z.strictObject({
  fulfillment_node_id: z.string().min(1),
  store_id: z.string().min(1).nullable(),
});
export const LogicalTimestampRange = z
  .strictObject({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .refine((r) => r.from <= r.to, { message: 'from must be <= to', path: ['from'] });
export const AvailabilityItem = z.strictObject({
  product_id: z.string().min(1),
  fulfillment_node_id: z.string().min(1),
  quantity: z.number().int().nonnegative(),
});
export const AvailabilityFile = z.strictObject({
  head: z.strictObject({
    store_mapping: z.array(StoreMappingEntry).optional(),
    logical_timestamp_range: LogicalTimestampRange.optional(),
  }),
  items: z.array(AvailabilityItem),
});
export type AvailabilityFile = z.infer<typeof AvailabilityFile>;
export type AvailabilityItem = z.infer<typeof AvailabilityItem>;
export type StoreMappingEntry = z.infer<typeof StoreMappingEntry>;

// ---- What each read answer should hold (nsx doctor --api) ----------------------------------------
/**
 * Per read route: where its items are (envelope keys tried in order, a bare array always accepted; null
 * for a single object), the schema each item is read with, and the fields nsx expects on every item (it
 * shows or uses them: an item without one is read only leniently). A field named by neither the schema nor
 * `expected` / `known` is unknown to nsx: kept (and shown by --output json), never used.
 */
export interface ReadAnswer {
  envelope: readonly string[] | null;
  item: z.ZodType;
  expected: readonly string[];
  known?: readonly string[];
}
export const READ_ANSWERS = {
  listIntegrations: { envelope: [ENVELOPE.integrations], item: Integration, expected: ['id', 'status', 'integration_type'] },
  getIntegration: { envelope: null, item: Integration, expected: ['id', 'status', 'integration_type'] },
  listLogs: { envelope: [ENVELOPE.logs], item: LogEntry, expected: ['id', 'created_at', 'level', 'message'] },
  listRejectedEvents: { envelope: [ENVELOPE.rejectedEvents], item: RejectedEvent, expected: ['id', 'rejected_at', 'event'] },
  listPublishedEvents: {
    envelope: [],
    item: PublishedEvent,
    expected: ['integration_id', 'event_name', 'status', 'attempted_at'],
    known: ['integration_type', 'target', 'retries_remaining', 'entity_id', 'domain_entity_id', 'domain_entity_type', 'response_time_ms', 'response'],
  },
  // [contract §4] the envelope of the import list is assumed: a bare array, {"items": [...]} or {"imports": [...]}
  listImports: { envelope: ['items', 'imports'], item: ImportJob, expected: ['import_id', 'state'] },
} as const satisfies Record<string, ReadAnswer>;
export type ProbedRoute = keyof typeof READ_ANSWERS;
