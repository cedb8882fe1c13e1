// The event stream configuration API [contract §2]: integrations, their logs and rejected events.
import type { HttpClient } from './http.js';
import { ROUTES } from './routes.js';
import {
  ENVELOPE,
  Integration,
  IntegrationList,
  LogEntry,
  PublishedEventList,
  RejectedEvent,
  RetryResult,
  type RegisterRequest,
} from './schemas.js';
import * as z from 'zod';
import { ApiError, NotFoundError } from '../errors.js';
import { nsxCommand } from '../hints.js';

const Empty = z.unknown();

export class EventStreamApi {
  /** `tenant` names where an unknown integration was looked for. */
  constructor(
    private readonly http: HttpClient,
    private readonly tenant?: string,
  ) {}

  /** A 404 on a call about one integration means it does not exist (exit 5), said plainly. */
  private notFound(error: unknown, id: string): unknown {
    if (error instanceof ApiError && error.status === 404) {
      return new NotFoundError(`integration "${id}" does not exist${this.tenant ? ` in tenant ${this.tenant}` : ''}`, {
        hint: `see the ids with: ${nsxCommand('integrations', 'list')}`,
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

  async listIntegrations(): Promise<Integration[]> {
    const body = await this.http.request(ROUTES.listIntegrations, { schema: z.union([IntegrationList, z.array(Integration)]) });
    return Array.isArray(body) ? body : body.integrations;
  }
  getIntegration(id: string): Promise<Integration> {
    return this.about(id, this.http.request(ROUTES.getIntegration, { params: { id }, schema: Integration }));
  }
  registerIntegration(request: RegisterRequest): Promise<Integration> {
    return this.http.request(ROUTES.registerIntegration, { body: request, schema: Integration });
  }
  async startIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(ROUTES.startIntegration, { params: { id }, body: {}, schema: Empty }));
  }
  async stopIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(ROUTES.stopIntegration, { params: { id }, body: {}, schema: Empty }));
  }
  async deleteIntegration(id: string): Promise<void> {
    await this.about(id, this.http.request(ROUTES.deleteIntegration, { params: { id }, schema: Empty }));
  }
  /** Log entries, newest first, streamed page by page. */
  logs(id: string, options: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<LogEntry> {
    return this.listAbout(id, this.http.paginate(ROUTES.listLogs, { params: { id }, envelopeKey: ENVELOPE.logs, item: LogEntry, ...options }));
  }
  /** Rejected events, oldest first, streamed page by page (`parallel`: pages in flight at once, see paginate). */
  rejectedEvents(id: string, options: { pageSize?: number; parallel?: number; signal?: AbortSignal } = {}): AsyncGenerator<RejectedEvent> {
    return this.listAbout(
      id,
      this.http.paginate(ROUTES.listRejectedEvents, {
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
  retryRejectedEvent(id: string, eventId: string, options: { idempotent?: boolean; signal?: AbortSignal } = {}): Promise<RetryResult> {
    return this.http.request(ROUTES.retryRejectedEvent, { params: { id, event_id: eventId }, body: {}, schema: RetryResult, ...options });
  }
  async deleteRejectedEvent(id: string, eventId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request(ROUTES.deleteRejectedEvent, { params: { id, event_id: eventId }, schema: Empty, ...options });
  }
  publishedEvents(query: Record<string, string | undefined>): Promise<z.infer<typeof PublishedEventList>> {
    return this.http.request(ROUTES.listPublishedEvents, { query, schema: PublishedEventList });
  }
}
