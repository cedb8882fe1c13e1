// Every JSON shape nsx exchanges with NewStore, as zod schemas. Types come from here (z.infer).
// Response schemas are lenient [contract §"tags"]: unknown fields are kept (looseObject) so that
// `--output json` shows them, and only the fields nsx uses are required. Request schemas are strict:
// the sandbox validates what it receives with them, and the commands build their bodies from them.
//
// What an answer MUST carry, and why (everything else is optional, and read leniently):
//   Integration     `id`                  every verb names an integration by it (get/start/stop/recover).
//   RejectedEvent   `id`                  retry and delete address the event by it. (`rejected_at` and
//                   `event.name`/`payload` are still required: the [assumed] shape that recover's plan
//                   and the filters sort and match on; no documented sample exists to relax it against.)
//   RetryResult     `delivered`           the only way to tell a re-delivery from a new rejection.
//   ImportJob       `import_id`, `state`  what `stock status`/`--wait` follow (`id` accepted for `import_id`).
//   CreateImport    `id`                  the job to start next (`import_id` accepted as well).
//   TokenResponse   `access_token`        the bearer token itself.
//   LogEntry        `id`, `created_at`, `level`, `message` ([assumed] shape: tail and recover read them).
// Lenient reading, everywhere: ids may be strings or numbers (numbers become strings); numbers may come
// as numeric strings; timestamps are kept as sent (with or without milliseconds); `status` and `state`
// are compared case-insensitively (statusIs, importStateIs) and an unknown value is shown as it came;
// list answers may be an envelope or a bare array; import error items carry `message` or `reason`.
// An answer that still cannot be read is reported by describeMismatch (src/api/answers.ts): the route,
// the JSON path of the first mismatch and the expected type.
import * as z from 'zod';

const timestamp = z.string(); // ISO-8601 UTC, with or without milliseconds [doc]; kept as sent

/** An id: a string, or a number (normalised to its decimal string). */
const lenientId = z.preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v), z.string());
/** A number, or a string holding one ("300"). */
const lenientNumber = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
  z.number(),
);
/** Text nsx only shows: a string, or a number shown as one. */
const lenientText = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string());

/** A status/state as sent, when it is a plain value; anything else is shown as JSON. */
export function statusName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(none)';
  return JSON.stringify(value) ?? String(value);
}
/** Case-insensitive comparison of a status/state with one nsx knows ('running' matches "RUNNING"). */
export function statusIs(value: unknown, known: string): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === known;
}

// ---- Errors [doc] -------------------------------------------------------------------------------
// Every field is optional and a field of an unexpected type is dropped (catch): an error answer must
// never become a second error.
export const Problem = z.looseObject({
  type: lenientText.optional().catch(undefined),
  title: lenientText.optional().catch(undefined),
  status: lenientNumber.optional().catch(undefined),
  detail: lenientText.optional().catch(undefined),
  instance: lenientText.optional().catch(undefined),
  request_id: lenientId.optional().catch(undefined),
  message: lenientText.optional().catch(undefined), // older endpoints: {message, request_id}
  error_code: lenientText.optional().catch(undefined), // (updated) [doc]
  messages: z
    .array(z.unknown())
    .transform((list) => list.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))))
    .optional()
    .catch(undefined), // (updated) [doc] an array of strings
});
export type Problem = z.infer<typeof Problem>;

// ---- Tokens [doc] -------------------------------------------------------------------------------
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: lenientNumber.nullish(), // seconds; "300" accepted
  token_type: z.string().nullish(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

// ---- Integrations [doc field names] -----------------------------------------------------------
export const INTEGRATION_STATUSES = ['running', 'stopped'] as const;
export const INTEGRATION_TYPES = ['permanent', 'temporary'] as const;

export const CallbackParameters = z.looseObject({
  callback_url: z.string().nullish(), // (updated) [doc] answers may hold only api_key
  api_key: z.string().nullish(), // secret
});
export const S3Parameters = z.looseObject({
  aws_access_key_id: z.string().nullish(),
  aws_secret_access_key: z.string().nullish(), // secret
  aws_region: z.string().nullish(),
  bucket: z.string().nullish(),
  key_prefix: z.string().nullish(),
});
/** [assumed] an event passes when its name is in `events` or its entity (before the first `.`) is in `entities`. */
export const FilterConditions = z.looseObject({
  entities: z.array(z.string()).optional(),
  events: z.array(z.string()).optional(),
});
export type FilterConditions = z.infer<typeof FilterConditions>;

export const Integration = z.looseObject({
  id: lenientId,
  status: z.unknown().optional(), // running | stopped [doc]; any value is kept and shown as sent (statusName)
  integration_type: z.string().nullish(),
  starts_at: timestamp.nullish(),
  ends_at: timestamp.nullish(),
  callback_parameters: CallbackParameters.nullish(),
  s3_parameters: S3Parameters.nullish(),
  filter_conditions: FilterConditions.nullish(),
});
export type Integration = z.infer<typeof Integration>;

export const IntegrationList = z.looseObject({ integrations: z.array(Integration) });
/**
 * The list answer as read: `{"integrations": [...]}` or a bare array, its entries left to be read one by
 * one (EventStreamApi.listIntegrations), so that one odd entry does not hide the others.
 */
export const IntegrationListAnswer = z.union([z.looseObject({ integrations: z.array(z.unknown()) }), z.array(z.unknown())]);
export function integrationIsRunning(i: Pick<Integration, 'status'>): boolean {
  return statusIs(i.status, 'running');
}
export function integrationIsStopped(i: Pick<Integration, 'status'>): boolean {
  return statusIs(i.status, 'stopped');
}
/** Neither running nor stopped (e.g. "failed", "paused", null, a number): named as it came, never guessed at. */
export function integrationStatusUnknown(i: Pick<Integration, 'status'>): boolean {
  return !integrationIsRunning(i) && !integrationIsStopped(i);
}

/** Secret fields inside an Integration, masked unless the user asks for them. */
export const INTEGRATION_SECRET_PATHS = [
  ['callback_parameters', 'api_key'],
  ['s3_parameters', 'aws_secret_access_key'],
] as const;

/**
 * The id syntax nsx accepts for an integration (and so types, caches for completion and offers on Tab):
 * 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit. The completion scripts
 * embed this pattern's source, so it must stay a plain ERE that bash, zsh and fish read alike.
 */
export const INTEGRATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const RegisterRequest = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(INTEGRATION_ID_PATTERN, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
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

/**
 * PATCH {base}/{id} [seen in NewStore's adapter code; body assumed]: only the fields to change. A webhook's
 * callback_parameters carry the changed callback_url and/or api_key; filter_conditions replace the filter.
 */
export const UpdateIntegrationRequest = z
  .strictObject({
    callback_parameters: z
      .strictObject({ callback_url: z.url().optional(), api_key: z.string().min(1).optional() })
      .refine((c) => c.callback_url !== undefined || c.api_key !== undefined, { message: 'callback_url or api_key is needed' })
      .optional(),
    filter_conditions: z
      .strictObject({ entities: z.array(z.string()).optional(), events: z.array(z.string()).optional() })
      .optional(),
  })
  .refine((r) => r.callback_parameters !== undefined || r.filter_conditions !== undefined, {
    message: 'nothing to change: give callback_parameters or filter_conditions',
  });
export type UpdateIntegrationRequest = z.infer<typeof UpdateIntegrationRequest>;

// ---- Pagination [assumed] -----------------------------------------------------------------------
export const PaginationInfo = z.looseObject({
  offset: lenientNumber.optional(),
  count: lenientNumber.optional(),
  total: lenientNumber.nullish(),
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
  id: lenientId,
  created_at: timestamp,
  level: z.string(),
  message: z.string(),
  event_name: z.string().nullish(),
  status_code: lenientNumber.nullish(),
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
  status_code: lenientNumber.nullish(),
  body: z.unknown().optional(),
});
export type ReceiverResponse = z.infer<typeof ReceiverResponse>;

export const RejectedEvent = z.looseObject({
  id: lenientId,
  rejected_at: timestamp,
  attempts: lenientNumber.nullish(),
  event: WebhookBody,
  response: ReceiverResponse.nullish(),
});
export type RejectedEvent = z.infer<typeof RejectedEvent>;

export const RetryResult = z.looseObject({
  id: lenientId.optional(),
  delivered: z.boolean(),
  response: ReceiverResponse.nullish(),
});
export type RetryResult = z.infer<typeof RetryResult>;

// ---- Published events [doc] -----------------------------------------------------------------------
// A bare array [doc]. `status` is UPPER case in answers (SUCCESS, FAILURE) although the filter is sent
// lower case: compare it with publishedEventStatus. Nothing is required: it is only shown.
export const PublishedEvent = z.looseObject({
  integration_id: lenientId.nullish(),
  integration_type: z.string().nullish(),
  target: z.string().nullish(),
  status: z.unknown().optional(),
  attempted_at: timestamp.nullish(),
  retries_remaining: lenientNumber.nullish(),
  entity_id: lenientId.nullish(),
  domain_entity_id: lenientId.nullish(),
  domain_entity_type: z.string().nullish(),
  event_name: z.string().nullish(),
  response_time_ms: lenientNumber.nullish(),
  response: ReceiverResponse.nullish(),
});
export type PublishedEvent = z.infer<typeof PublishedEvent>;
export const PublishedEventList = z.array(PublishedEvent);
export const PUBLISHED_STATUSES = ['success', 'failure'] as const;
/** "success" / "failure" (lower case, as the filter is sent) for a known status, else undefined. */
export function publishedEventStatus(e: Pick<PublishedEvent, 'status'>): (typeof PUBLISHED_STATUSES)[number] | undefined {
  return PUBLISHED_STATUSES.find((s) => statusIs(e.status, s));
}

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
export const CreateImportResponse = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('id' in v) && 'import_id' in v ? { ...v, id: (v as { import_id: unknown }).import_id } : v),
  z.looseObject({ id: lenientId }),
);
export const StartImportRequest = z.strictObject({ transformed_uri: z.string().min(1) });

// `state` is kept as sent and compared case-insensitively (importStateIs). A job that names itself `id`
// instead of `import_id` is read as well.
export const ImportJob = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('import_id' in v) && 'id' in v ? { ...v, import_id: (v as { id: unknown }).id } : v),
  z.looseObject({
    import_id: lenientId,
    entities: z.array(z.string()).nullish(),
    provider: z.string().nullish(),
    name: z.string().nullish(),
    source_uri: z.string().nullish(),
    transformed_uri: z.string().nullish(),
    revision: lenientNumber.nullish(),
    received_at: timestamp.nullish(),
    completed_at: timestamp.nullish(),
    state: z.string(),
    reason: lenientText.nullish(),
    full: z.boolean().nullish(),
  }),
);
export type ImportJob = z.infer<typeof ImportJob>;
export function importStateIs(job: Pick<ImportJob, 'state'>, state: (typeof IMPORT_STATES)[number]): boolean {
  return statusIs(job.state, state);
}

// (updated) [doc] NewStore's items carry `reason`, `error_id`, `entity_type`, `entity_id`; older or other
// answers may carry `message` (and the item). Nothing is required: an item is only shown (importErrorText).
export const ImportError = z.looseObject({
  reason: lenientText.nullish(),
  message: lenientText.nullish(),
  error_id: lenientId.nullish(),
  entity_type: z.string().nullish(),
  entity_id: lenientId.nullish(),
  item: z.unknown().optional(),
});
/** Envelope keys an errors answer may use [assumed]; a bare array is accepted as well. */
export const IMPORT_ERRORS_ENVELOPES = ['errors', 'items'] as const;
export type ImportError = z.infer<typeof ImportError>;
/** An item that is plain text is read as its message. */
const ImportErrorItem = z.preprocess((v) => (typeof v === 'string' ? { message: v } : v), ImportError);
/** The errors answer: a bare array [doc sample] or an envelope (IMPORT_ERRORS_ENVELOPES) [assumed]. */
export const ImportErrorAnswer = z.union([
  z.array(ImportErrorItem),
  z.looseObject({ errors: z.array(ImportErrorItem).optional(), items: z.array(ImportErrorItem).optional() }),
]);
/** What an import error item says: its reason (or message), else its error id, else "(no reason given)". */
export function importErrorText(e: ImportError): string {
  return e.reason ?? e.message ?? (e.error_id ? `error ${e.error_id}` : '(no reason given)');
}

/** GET /v0/d/import [seen in adapter code; envelope assumed]: a bare array, {items} or {imports}, with optional pagination_info. */
export const ImportListAnswer = z.union([
  z.array(ImportJob),
  z.looseObject({ items: z.array(ImportJob), pagination_info: z.unknown().optional() }),
  z.looseObject({ imports: z.array(ImportJob), pagination_info: z.unknown().optional() }),
]);
/** POST /v0/d/import/{id}/set_fail [operation documented; body assumed]. */
export const FailImportRequest = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export type FailImportRequest = z.infer<typeof FailImportRequest>;

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
