// The import API [contract §4]: create, start and follow import jobs.
import type { HttpClient } from './http.js';
import { ROUTES } from './routes.js';
import { CreateImportResponse, IMPORT_ERRORS_ENVELOPES, ImportErrorAnswer, ImportJob, type CreateImportRequest, type ImportError } from './schemas.js';
import * as z from 'zod';

export class ImportApi {
  constructor(private readonly http: HttpClient) {}

  async createImport(request: CreateImportRequest): Promise<string> {
    const created = await this.http.request(ROUTES.createImport, { body: { full: false, ...request }, schema: CreateImportResponse });
    return created.id;
  }
  async startImport(importId: string, transformedUri: string): Promise<void> {
    await this.http.request(ROUTES.startImport, { params: { import_id: importId }, body: { transformed_uri: transformedUri }, schema: z.unknown() });
  }
  getImport(importId: string): Promise<ImportJob> {
    return this.http.request(ROUTES.getImport, { params: { import_id: importId }, schema: ImportJob });
  }
  /**
   * The job's item errors: a bare array or an envelope (`errors` or `items`), items with `reason` (as
   * NewStore documents them) or `message`; an item that is plain text is read as its message.
   */
  async importErrors(importId: string): Promise<ImportError[]> {
    const body = await this.http.request(ROUTES.listImportErrors, { params: { import_id: importId }, schema: ImportErrorAnswer });
    const list = Array.isArray(body) ? body : (IMPORT_ERRORS_ENVELOPES.map((k) => body[k]).find(Array.isArray) ?? []);
    return list;
  }
}
