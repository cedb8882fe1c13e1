// The import API [contract §4]: create, start and follow import jobs.
import type { HttpClient } from './http.js';
import { IMPORT_STATE_FILTER_PARAM, type RouteTable } from './routes.js';
import {
  CreateImportResponse,
  ENVELOPE,
  IMPORT_ERRORS_ENVELOPES,
  ImportErrorAnswer,
  ImportJob,
  ImportListAnswer,
  PaginationInfo,
  type CreateImportRequest,
  type FailImportRequest,
  type ImportError,
} from './schemas.js';
import * as z from 'zod';

export class ImportApi {
  constructor(
    private readonly http: HttpClient,
    /** The table in effect (a profile may correct it). */
    private readonly routes: RouteTable,
  ) {}

  async createImport(request: CreateImportRequest): Promise<string> {
    const created = await this.http.request(this.routes.createImport, { body: { full: false, ...request }, schema: CreateImportResponse });
    return created.id;
  }
  async startImport(importId: string, transformedUri: string): Promise<void> {
    await this.http.request(this.routes.startImport, { params: { import_id: importId }, body: { transformed_uri: transformedUri }, schema: z.unknown() });
  }
  getImport(importId: string): Promise<ImportJob> {
    return this.http.request(this.routes.getImport, { params: { import_id: importId }, schema: ImportJob });
  }
  /**
   * One answer of the job list, optionally filtered by state. `total` is the server's count when it says one
   * (pagination_info.total): more than jobs.length means the answer was one page of a longer list.
   */
  async listImports(options: { state?: string | undefined; signal?: AbortSignal } = {}): Promise<{ jobs: ImportJob[]; total: number | undefined }> {
    const body = await this.http.request(this.routes.listImports, {
      query: { [IMPORT_STATE_FILTER_PARAM]: options.state },
      schema: ImportListAnswer,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (Array.isArray(body)) return { jobs: body, total: undefined };
    const jobs = (Array.isArray(body.items) ? body.items : body.imports) as ImportJob[];
    const info = PaginationInfo.safeParse(body[ENVELOPE.pagination]);
    return { jobs, total: info.success ? (info.data.total ?? undefined) : undefined };
  }
  /** Marks a job failed (frees its place among the open jobs). */
  async failImport(importId: string, request: FailImportRequest): Promise<void> {
    await this.http.request(this.routes.failImport, { params: { import_id: importId }, body: request, schema: z.unknown() });
  }
  /**
   * The job's item errors: a bare array or an envelope (`errors` or `items`), items with `reason` (as
   * NewStore documents them) or `message`; an item that is plain text is read as its message.
   */
  async importErrors(importId: string): Promise<ImportError[]> {
    const body = await this.http.request(this.routes.listImportErrors, { params: { import_id: importId }, schema: ImportErrorAnswer });
    const list = Array.isArray(body) ? body : (IMPORT_ERRORS_ENVELOPES.map((k) => body[k]).find(Array.isArray) ?? []);
    return list;
  }
}
