// The event stream configuration API [contract §2]: integrations, their logs and rejected events.
import type { HttpClient } from './http.js';
import type { RouteTable } from './routes.js';
import {
  ENVELOPE,
  Integration,
  IntegrationListAnswer,
  LogEntry,
  PublishedEventList,
  RejectedEvent,
  RetryResult,
  type RegisterRequest,
  type UpdateIntegrationRequest,
} from './schemas.js';
import * as z from 'zod';
import { ApiError, NotFoundError } from '../errors.js';
import { describeMismatch } from './answers.js';
import { nsxCommand } from '../hints.js';

const Empty = z.unknown();

/** Options of a retry or delete call: a caller that repeats it itself, Ctrl-C, and 429/503 as they come. */
export interface CallOptions {
  idempotent?: boolean;
  signal?: AbortSignal;
  onThrottled?: (status: number, retryAfterMs: number | undefined) => void;
  noThrottleRetry?: boolean;
}

export class EventStreamApi {
  /** `tenant` names where an unknown integration was looked for; `routes` is the table in effect (a profile may correct it). */
  constructor(
    private readonly http: HttpClient,
    private readonly routes: RouteTable,
    private readonly tenant?: string,
  ) {}

  /** A 404 on a call about one integration means it does not exist (exit 5), said plainly. */
  private notFound(error: unknown, id: string): unknown {
    if (error instanceof ApiError && error.status === 404) {
      return new NotFoundError(`integration "${id}" does not exist${this.tenant ? ` in tenant ${this.tenant}` : ''}`, {
        hint: `see the ids with: ${nsxCommand('integrations', 'list')}`,
        integrationId: id,
      });
    }
    return error;
  }
  private async about<T>(id: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      throw this.notFound(error, id);
    }
  }
  private async *listAbout<T>(id: string, pages: AsyncGenerator<T>): AsyncGenerator<T> {
    try {
      yield* pages;
    } catch (error) {
      throw this.notFound(error, id);
    }
  }

  /**
   * Every integration, from `{"integrations": [...]}` or a bare array. An entry that cannot be read (no
   * id) is left out and named through `onUnreadable` (`integrations[2].id: expected a string, got null`),
   * so that one odd entry does not hide the others.
   */
  async listIntegrations(options: { onUnreadable?: (where: string) => void } = {}): Promise<Integration[]> {
    const body = await this.http.request(this.routes.listIntegrations, { schema: IntegrationListAnswer });
    const items = Array.isArray(body) ? body : body.integrations;
    const prefix = Array.isArray(body) ? '' : ENVELOPE.integrations;
    const out: Integration[] = [];
    items.forEach((item, index) => {
      const parsed = Integration.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else options.onUnreadable?.(describeMismatch(parsed.error, item, `${prefix}[${index}]`));
    });
    return out;
  }
  getIntegration(id: string): Promise<Integration> {
    return this.about(id, this.http.request(this.routes.getIntegration, { params: { id }, schema: Integration }));
  }
  registerIntegration(request: RegisterRequest): Promise<Integration> {
    return this.http.request(this.routes.registerIntegration, { body: request, schema: Integration });
  }
  /** PATCH with only the fields to change; the answer is not relied on (read the integration back). */
  async updateIntegration(id: string, changes: UpdateIntegrationRequest): Promise<void> {
    await this.about(id, this.http.request(this.routes.updateIntegration, { params: { id }, body: changes, schema: Empty }));
  }
  async startIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(this.routes.startIntegration, { params: { id }, body: {}, schema: Empty }));
  }
  async stopIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(this.routes.stopIntegration, { params: { id }, body: {}, schema: Empty }));
  }
  async deleteIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(this.routes.deleteIntegration, { params: { id }, schema: Empty }));
  }
  /** Log entries, newest first, streamed page by page. */
  logs(id: string, options: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<LogEntry> {
    return this.listAbout(id, this.http.paginate(this.routes.listLogs, { params: { id }, envelopeKey: ENVELOPE.logs, item: LogEntry, ...options }));
  }
  /**
   * How many rejected events wait, from the envelope's total of a one-item page (one request), and the
   * oldest of them. `count` is undefined when the answer tells no total (a bare array): then the caller
   * only knows whether there is at least one.
   */
  async rejectedCount(id: string, options: { signal?: AbortSignal } = {}): Promise<{ count: number | undefined; any: boolean }> {
    const page = await this.about(id, this.http.firstPage(this.routes.listRejectedEvents, { params: { id }, envelopeKey: ENVELOPE.rejectedEvents, item: RejectedEvent, count: 1, ...options }));
    return { count: page.total ?? (page.items.length === 0 ? 0 : undefined), any: page.items.length > 0 || (page.total ?? 0) > 0 };
  }
  /** The newest `count` log entries (one request), newest first. */
  async recentLogs(id: string, count: number, options: { signal?: AbortSignal } = {}): Promise<LogEntry[]> {
    return (await this.about(id, this.http.firstPage(this.routes.listLogs, { params: { id }, envelopeKey: ENVELOPE.logs, item: LogEntry, count, ...options }))).items;
  }
  /** Rejected events, oldest first, streamed page by page (`parallel`: pages in flight at once, see paginate). */
  rejectedEvents(id: string, options: { pageSize?: number; parallel?: number; signal?: AbortSignal } = {}): AsyncGenerator<RejectedEvent> {
    return this.listAbout(
      id,
      this.http.paginate(this.routes.listRejectedEvents, {
        params: { id },
        envelopeKey: ENVELOPE.rejectedEvents,
        item: RejectedEvent,
        ...options,
      }),
    );
  }
  /**
   * Re-delivers one rejected event. `idempotent: true` lets the HTTP layer repeat it after an ambiguous
   * failure: callers that pass it accept a second delivery (receivers must dedupe; delivery is at-least-once).
   */
  retryRejectedEvent(id: string, eventId: string, options: CallOptions = {}): Promise<RetryResult> {
    return this.http.request(this.routes.retryRejectedEvent, { params: { id, event_id: eventId }, body: {}, schema: RetryResult, ...options });
  }
  async deleteRejectedEvent(id: string, eventId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request(this.routes.deleteRejectedEvent, { params: { id, event_id: eventId }, schema: Empty, ...options });
  }
  /**
   * One answer of the published-events API [contract §2]: a bare array, as many attempts as the server
   * gives (no pagination is documented; an answer of LIMITS.publishedEventsAnswerCap or more may be cut
   * short: src/workflows/events/read.ts reads a wide window in slices). `query` takes the documented
   * parameters: from, to, event_name, integration_id, status (lower case), domain_entity_id, domain_entity_type.
   */
  publishedEvents(query: Record<string, string | undefined>, options: { signal?: AbortSignal } = {}): Promise<z.infer<typeof PublishedEventList>> {
    return this.http.request(this.routes.listPublishedEvents, { query, schema: PublishedEventList, ...options });
  }
}
