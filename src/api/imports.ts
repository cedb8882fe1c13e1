// The import API [contract §4]: create, start and follow import jobs.
import type { HttpClient } from './http.js';
import type { RouteTable } from './routes.js';
import { CreateImportResponse, ImportErrorList, ImportJob, type CreateImportRequest, type ImportError } from './schemas.js';
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
  async importErrors(importId: string): Promise<ImportError[]> {
    const body = await this.http.request(this.routes.listImportErrors, { params: { import_id: importId }, schema: z.union([ImportErrorList, z.array(ImportErrorList.shape.errors.element)]) });
    return Array.isArray(body) ? body : body.errors;
  }
}
