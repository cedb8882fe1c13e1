// The stock import workflow: validate -> package -> upload -> create -> start -> wait. No terminal I/O:
// progress goes to the hooks, the outcome is returned (a failed or unfinished job is an outcome, not an
// exception; the command turns it into exit 6 or 7).
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from '../../api/client.js';
import type { ImportError, ImportJob } from '../../api/schemas.js';
import { isLoopbackUrl } from '../../api/routes.js';
import { currentUser } from '../../config/user.js';
import { displayUrl } from '../../api/upload.js';
import { ApiError, InterruptedError, NsxError, PreconditionError, UsageError } from '../../errors.js';
import type { LogicalTimestampRange } from './availabilities.js';
import { packageAvailabilities, type StockInputFormat, type StockPackage } from './package.js';
import { waitForImport, type WaitHooks } from './wait.js';
import { sleep } from '../../timers.js';
import type { StoreMappingEntry } from '../../api/schemas.js';
import { nsxCommand } from '../../hints.js';

/** Where the zip goes and the URI NewStore reads it from. */
export type Destination =
  | { kind: 'presigned'; uploadUrl: string; sourceUri: string }
  /** Already uploaded by the caller: nothing is sent but the job. */
  | { kind: 'uploaded'; sourceUri: string }
  /** The sandbox's blob store (the API base is a sandbox on this machine). */
  | { kind: 'sandbox' }
  /** A dry run without destination flags: not checked. */
  | { kind: 'none' };

/**
 * Chooses the destination from the flags (checked before anything is read or sent). Without flags, only a
 * loopback API (a sandbox) has somewhere to put the file.
 */
export function chooseDestination(flags: { uploadUrl?: string | undefined; sourceUri?: string | undefined }, baseUrl: string | undefined, dryRun: boolean): Destination {
  const { uploadUrl, sourceUri } = flags;
  if (uploadUrl !== undefined) {
    checkUrl(uploadUrl, '--upload-url', ['https:']);
    if (sourceUri === undefined) {
      throw new UsageError('--upload-url needs --source-uri: the URI NewStore reads the zip from (a presigned PUT URL is not readable by NewStore)', {
        hint: 'e.g. --upload-url "$PRESIGNED_PUT_URL" --source-uri s3://bucket/stock/2026-11-20.zip',
      });
    }
  }
  if (sourceUri !== undefined) checkUrl(sourceUri, '--source-uri', ['https:', 's3:']);
  if (uploadUrl !== undefined && sourceUri !== undefined) return { kind: 'presigned', uploadUrl, sourceUri };
  if (sourceUri !== undefined) return { kind: 'uploaded', sourceUri };
  // A dry run checks the data; where a real run would put the zip is left to the real run (which says).
  if (dryRun) return { kind: 'none' };
  if (baseUrl !== undefined && isLoopbackUrl(baseUrl)) return { kind: 'sandbox' };
  throw new UsageError(`nowhere to put the zip: NewStore reads import data from a URI, so say where it goes`, {
    hint: '--upload-url URL --source-uri URI (a presigned PUT, e.g. S3, and the URI NewStore reads), or --source-uri URI for a file already uploaded; against a sandbox the zip goes to its blob store by itself',
  });
}

function checkUrl(value: string, flag: string, protocols: string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag}: "${displayUrl(value)}" is not a URL`);
  }
  if (protocols.includes(url.protocol)) return;
  if (url.protocol === 'http:' && isLoopbackUrl(value)) return; // a local test server or the sandbox
  throw new UsageError(`${flag} must be ${protocols.map((p) => p.replace(':', '://')).join(' or ')} (http:// only on this machine), got ${url.protocol}//`);
}

export interface StockImportRequest {
  input: string;
  format?: StockInputFormat | undefined;
  range?: LogicalTimestampRange | undefined;
  storeMapping?: StoreMappingEntry[] | undefined;
  destination: Destination;
  provider: string;
  /** Default: defaultJobName(). */
  name?: string | undefined;
  revision?: number | undefined;
  dryRun: boolean;
  /** Wait for finished/failed (otherwise the state right after start is reported). */
  wait: boolean;
  /** Everything (429 back-off and waiting) ends by then: epoch ms. */
  deadline: number;
  /** Keep a copy of the zip here. */
  saveZip?: string | undefined;
  compressionLevel?: number | undefined;
  signal?: AbortSignal | undefined;
  stdin?: NodeJS.ReadableStream;
}

export interface StockImportHooks extends WaitHooks {
  packaged?(pkg: StockPackage): void;
  uploading?(where: string, bytes: number): void;
  uploaded?(sourceUri: string): void;
  /** NewStore has 20 open jobs (429): waiting `ms` before asking again. */
  throttled?(ms: number, attempt: number): void;
  /** At the first 429: the open jobs (received or waiting, oldest first), or why they could not be listed. */
  openJobs?(open: { jobs: ImportJob[]; partial: boolean } | { error: string }): void;
  created?(importId: string, name: string): void;
  started?(importId: string): void;
}

export interface StockImportOutcome {
  package: StockPackage;
  name: string;
  sourceUri: string | null;
  /** null on a dry run. */
  importId: string | null;
  job: ImportJob | null;
  /** The first per-item errors of a failed job, and how many there are. */
  errors: ImportError[];
  errorsTotal: number;
  /** Why the item errors of a failed job could not be read, if they could not. */
  errorsUnreadable?: string;
  /** --wait ran out of time before the job finished. */
  timedOut: boolean;
  durationMs: number;
}

export async function importStock(client: ApiClient | undefined, request: StockImportRequest, hooks: StockImportHooks = {}): Promise<StockImportOutcome> {
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'nsx-stock-'));
  // Ctrl-C (the signal) is honoured between steps; creating and starting a job are one step, so that an
  // interrupt never leaves a created job unstarted (it would hold one of the 20 open slots).
  let importId: string | undefined;
  const interrupted = (): InterruptedError =>
    importId
      ? new InterruptedError(`interrupted: import ${importId} was started and goes on in NewStore`, { hint: `follow it with: ${nsxCommand('stock', 'status', importId, '--wait')}` })
      : new InterruptedError('interrupted: nothing was imported');
  const checkpoint = (): void => {
    if (request.signal?.aborted) throw interrupted();
  };
  try {
    const pkg = await packageAvailabilities({
      input: request.input,
      format: request.format,
      range: request.range,
      storeMapping: request.storeMapping,
      workDir,
      compressionLevel: request.compressionLevel,
      signal: request.signal,
      ...(request.stdin ? { stdin: request.stdin } : {}),
    });
    hooks.packaged?.(pkg);
    if (request.saveZip) await copyFile(pkg.zipPath, request.saveZip);
    const name = request.name ?? defaultJobName(pkg.sha256);
    const outcome = { package: pkg, name, importId: null, job: null, errors: [], errorsTotal: 0, timedOut: false };
    if (request.dryRun) {
      return { ...outcome, sourceUri: plannedSourceUri(request.destination), durationMs: Date.now() - started };
    }
    if (!client) throw new UsageError('no API to send the import to (set a tenant or --base-url)');
    checkpoint();
    const sourceUri = await upload(client, request, pkg, name, hooks);
    checkpoint();
    const created = await createJob(client, request, name, sourceUri, hooks);
    hooks.created?.(created, name);
    try {
      await client.imports.startImport(created, sourceUri);
    } catch (error) {
      throw withContext(error, `import ${created} was created but starting it failed`);
    }
    importId = created;
    hooks.started?.(created);
    checkpoint();
    const waited = request.wait
      ? await waitForImport(client, created, { deadline: request.deadline, signal: request.signal }, hooks)
      : { job: await client.imports.getImport(created), errors: [], errorsTotal: 0, timedOut: false };
    return { ...outcome, sourceUri, importId: created, ...waited, durationMs: Date.now() - started };
  } catch (error) {
    if (request.signal?.aborted && !(error instanceof InterruptedError)) throw interrupted();
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** `nsx-stock-<UTC time>-<user>@<host>-<sha256 prefix>`: when, who and what, readable in NewStore's job list. */
export function defaultJobName(sha256: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const user = currentUser();
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return `nsx-stock-${stamp}-${clean(user)}@${clean(hostname())}-${sha256.slice(0, 12)}`;
}

/** What a dry run can say about the source URI: only what the flags give. */
function plannedSourceUri(destination: Destination): string | null {
  return destination.kind === 'presigned' || destination.kind === 'uploaded' ? destination.sourceUri : null;
}

/** The job name as a file name the sandbox accepts (no "/", no leading "."). */
function sandboxFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._@-]+/g, '_').replace(/^\.+/, '_')}.zip`;
}

async function upload(client: ApiClient, request: StockImportRequest, pkg: StockPackage, name: string, hooks: StockImportHooks): Promise<string> {
  const destination = request.destination;
  if (destination.kind === 'uploaded') return destination.sourceUri;
  if (destination.kind === 'none') throw new UsageError('no destination for the zip');
  const timeoutMs = client.timeoutMs;
  // Uploads can be slow on a poor line: allow a minute per 10 MB on top of the per-request timeout.
  const uploadTimeout = timeoutMs + Math.ceil(pkg.bytes / (10 * 1024 * 1024)) * 60_000;
  if (destination.kind === 'presigned') {
    hooks.uploading?.(displayUrl(destination.uploadUrl), pkg.bytes);
    // No content-type: a presigned URL may have signed one, and a header it did not sign can break it.
    await client.uploads.put(destination.uploadUrl, pkg.zipPath, pkg.bytes, { timeoutMs: uploadTimeout, signal: request.signal });
    hooks.uploaded?.(destination.sourceUri);
    return destination.sourceUri;
  }
  if (!(await client.sandbox.info({ timeoutMs, signal: request.signal }))) {
    throw new UsageError(`the API at ${client.sandbox.baseUrl} is not an nsx sandbox, so there is no blob store to put the zip in`, {
      hint: 'say where it goes: --upload-url URL --source-uri URI, or --source-uri URI for a file already uploaded',
    });
  }
  const file = sandboxFileName(name);
  const url = client.sandbox.fileUrl(file);
  hooks.uploading?.(url, pkg.bytes);
  const answer = await client.sandbox.putFile(file, pkg.zipPath, pkg.bytes, { timeoutMs: uploadTimeout, headers: { 'content-type': 'application/zip' }, signal: request.signal });
  const stored = (answer.body as { url?: unknown } | undefined)?.url;
  const sourceUri = typeof stored === 'string' ? stored : url;
  hooks.uploaded?.(sourceUri);
  return sourceUri;
}

/** The jobs that hold the open places (received or waiting), oldest first; listing problems are reported, not thrown. */
async function listOpenJobs(client: ApiClient, signal: AbortSignal | undefined): Promise<{ jobs: ImportJob[]; partial: boolean } | { error: string }> {
  const { OPEN_IMPORT_STATES } = await import('../../api/schemas.js');
  try {
    const answers = await Promise.all(OPEN_IMPORT_STATES.map((state) => client.imports.listImports({ state, ...(signal ? { signal } : {}) })));
    const jobs = answers.flatMap((a) => a.jobs).sort((a, b) => (a.received_at ?? '').localeCompare(b.received_at ?? ''));
    return { jobs, partial: answers.some((a) => a.total !== undefined && a.total > a.jobs.length) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Creates the job; a 429 (20 open jobs) that outlasts the HTTP layer's retries is waited out up to the deadline. */
async function createJob(client: ApiClient, request: StockImportRequest, name: string, sourceUri: string, hooks: StockImportHooks): Promise<string> {
  const { IMPORT_ENTITY_AVAILABILITIES } = await import('../../api/schemas.js');
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.imports.createImport({
        provider: request.provider,
        name,
        source_uri: sourceUri,
        entities: [IMPORT_ENTITY_AVAILABILITIES],
        full: false,
        ...(request.revision !== undefined ? { revision: request.revision } : {}),
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429) throw error;
      if (attempt === 1 && hooks.openJobs) hooks.openJobs(await listOpenJobs(client, request.signal));
      const wait = Math.min(error.retryAfterMs ?? Math.min(60_000, 5_000 * attempt), 5 * 60_000);
      if (Date.now() + wait > request.deadline) {
        throw new PreconditionError(`NewStore still has too many open import jobs (at most 20 may be received or waiting); gave up waiting, nothing was imported`, {
          hint: 'wait for running imports to finish, fail a stuck one (nsx stock fail, see above), or allow longer with --wait-timeout',
        });
      }
      hooks.throttled?.(wait, attempt);
      await sleep(wait, request.signal).catch(() => {
        throw new InterruptedError('interrupted while waiting for NewStore to accept the job; nothing was imported');
      });
    }
  }
}

function withContext(error: unknown, context: string): unknown {
  if (error instanceof NsxError) return new NsxError(`${context}: ${error.message}`, error.exitCode, { hint: error.hint, cause: error });
  return error;
}
