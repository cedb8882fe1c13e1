// The import API's back end [contract §4]: jobs go received -> (waiting) -> processing -> finished | failed,
// one at a time and asynchronously at the sandbox's time scale. The data is a zip read from the sandbox's
// blob store (PUT /_sandbox/files/{name}, standing in for a presigned S3 URL) or any http(s) URL.
import yauzl from 'yauzl';
import type * as z from 'zod';
import { AVAILABILITIES_FILE, LIMITS } from '../api/routes.js';
import { AvailabilityFile, AvailabilityItem, IMPORT_ENTITY_AVAILABILITIES, OPEN_IMPORT_STATES, StoreMappingEntry } from '../api/schemas.js';
import type { ImportRecord, SandboxState } from './state.js';
import { pause } from '../timers.js';
import { isoNow } from './util.js';

export const BLOB_PATH_PREFIX = '/_sandbox/files/';

export class ImportFailure extends Error {
  constructor(
    message: string,
    readonly errors: { item: unknown; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface ImportConfig {
  timeScale: number;
  log: (line: string) => void;
}

const PICKUP_MS = 2_000; // a queued job waits this long before processing (real time / time scale)
const PROCESSING_MS = 5_000;

export class ImportProcessor {
  private queue: string[] = [];
  private busy = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly state: SandboxState,
    private readonly config: ImportConfig,
  ) {}

  openJobs(): number {
    let n = 0;
    for (const job of this.state.imports.values()) if ((OPEN_IMPORT_STATES as readonly string[]).includes(job.state)) n++;
    return n;
  }

  /** Seconds a client should wait after a 429: a job's processing time, at the time scale. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((PICKUP_MS + PROCESSING_MS) / this.config.timeScale / 1000));
  }

  enqueue(job: ImportRecord): void {
    job.state = this.busy || this.queue.length > 0 ? 'waiting' : 'received';
    this.queue.push(job.import_id);
    this.state.touch();
    void this.pump();
  }

  /** After a restart: jobs that were started but not done are queued again. */
  resume(): void {
    for (const job of this.state.imports.values()) {
      if (job.transformed_uri && (job.state === 'received' || job.state === 'waiting' || job.state === 'processing')) {
        job.state = 'waiting';
        this.queue.push(job.import_id);
      }
    }
    void this.pump();
  }

  reset(): void {
    this.queue = [];
  }

  close(): void {
    this.abort.abort();
    this.queue = [];
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.abort.signal.aborted) {
        const id = this.queue.shift()!;
        const job = this.state.imports.get(id);
        if (!job) continue;
        if (!(await pause(PICKUP_MS / this.config.timeScale, this.abort.signal))) return;
        if (this.state.imports.get(id) !== job || job.state === 'failed') continue; // reset or set_fail meanwhile
        job.state = 'processing';
        this.state.touch();
        const started = Date.now();
        try {
          const plan = await this.prepare(job);
          const rest = PROCESSING_MS / this.config.timeScale - (Date.now() - started);
          if (rest > 0 && !(await pause(rest, this.abort.signal))) return;
          if (this.state.imports.get(id) !== job || job.state !== 'processing') continue; // set_fail meanwhile: no stock applied
          this.state.stock.applyImport(plan.items, plan.range, plan.mapping);
          job.state = 'finished';
        } catch (err) {
          if (job.state !== 'processing') continue; // set_fail meanwhile keeps its reason
          job.state = 'failed';
          job.reason = err instanceof ImportFailure ? err.message : `unexpected error: ${(err as Error).message}`;
          job.errors = err instanceof ImportFailure ? err.errors : [];
        }
        job.completed_at = isoNow();
        this.state.touch();
      }
    } finally {
      this.busy = false;
    }
  }

  /** Reads and validates the job's data; throws ImportFailure (reason + per-item errors) when it cannot be applied. */
  private async prepare(job: ImportRecord): Promise<{ items: z.infer<typeof AvailabilityItem>[]; range: { from: number; to: number } | undefined; mapping: z.infer<typeof StoreMappingEntry>[] }> {
    const unsupported = job.entities.filter((e) => e !== IMPORT_ENTITY_AVAILABILITIES);
    if (unsupported.length > 0) throw new ImportFailure(`the sandbox imports ${IMPORT_ENTITY_AVAILABILITIES} only; not supported: ${unsupported.join(', ')}`);
    if (job.full) throw new ImportFailure(`full imports are not supported for ${IMPORT_ENTITY_AVAILABILITIES}; send full: false`);
    const zip = await this.fetchData(job.transformed_uri ?? job.source_uri);
    if (zip.length > LIMITS.maxImportBytes) throw new ImportFailure(`the data is ${zip.length} bytes, above the limit of ${LIMITS.maxImportBytes} bytes a job`);
    const files = await readZip(zip).catch((err: unknown) => {
      throw new ImportFailure(`the data is not a readable zip: ${(err as Error).message}`);
    });
    const text = files.get(AVAILABILITIES_FILE);
    if (text === undefined) throw new ImportFailure(`${AVAILABILITIES_FILE} is missing from the zip (found: ${[...files.keys()].join(', ') || 'nothing'})`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ImportFailure(`${AVAILABILITIES_FILE} is not valid JSON`, [{ item: AVAILABILITIES_FILE, message: (err as Error).message }]);
    }
    return validateAvailabilities(raw);
  }

  private async fetchData(uri: string): Promise<Buffer> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new ImportFailure(`cannot read ${uri}: not a URL`);
    }
    if (url.pathname.startsWith(BLOB_PATH_PREFIX)) {
      const name = decodeURIComponent(url.pathname.slice(BLOB_PATH_PREFIX.length));
      const blob = this.state.blobs.get(name);
      if (!blob) throw new ImportFailure(`cannot read ${uri}: no file "${name}" in the sandbox blob store (PUT ${BLOB_PATH_PREFIX}${name} first)`);
      return blob;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ImportFailure(`cannot read ${uri}: the sandbox reads its blob store (${BLOB_PATH_PREFIX}{name}) or http(s) URLs`);
    }
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((err: unknown) => {
      throw new ImportFailure(`cannot read ${uri}: ${(err as Error).message}`);
    });
    if (!res.ok) throw new ImportFailure(`cannot read ${uri}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}

/** Validates availabilities.json item by item, so that the errors endpoint can name every bad item. */
export function validateAvailabilities(raw: unknown): { items: z.infer<typeof AvailabilityItem>[]; range: { from: number; to: number } | undefined; mapping: z.infer<typeof StoreMappingEntry>[] } {
  const whole = AvailabilityFile.safeParse(raw);
  if (whole.success) {
    const seen = new Set<string>();
    const errors: { item: unknown; message: string }[] = [];
    whole.data.items.forEach((item, i) => {
      const k = `${item.product_id}\u0000${item.fulfillment_node_id}`;
      if (seen.has(k)) errors.push({ item, message: `items.${i}: product ${item.product_id} at ${item.fulfillment_node_id} appears more than once` });
      seen.add(k);
    });
    if (errors.length > 0) throw new ImportFailure(`${errors.length} invalid item(s) in ${AVAILABILITIES_FILE}`, errors);
    return { items: whole.data.items, range: whole.data.head.logical_timestamp_range, mapping: whole.data.head.store_mapping ?? [] };
  }
  const errors: { item: unknown; message: string }[] = [];
  const items = (raw as { items?: unknown } | null)?.items;
  for (const issue of whole.error.issues) {
    const path = issue.path.map(String).join('.');
    const index = issue.path[0] === 'items' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
    errors.push({ item: index !== null && Array.isArray(items) ? items[index] : path || AVAILABILITIES_FILE, message: `${path || '(root)'}: ${issue.message}` });
  }
  const itemErrors = errors.filter((_, i) => whole.error.issues[i]!.path[0] === 'items').length;
  const reason = itemErrors === errors.length ? `${itemErrors} invalid item(s) in ${AVAILABILITIES_FILE}` : `${AVAILABILITIES_FILE} does not match the expected shape: ${errors[0]!.message}`;
  throw new ImportFailure(reason, errors);
}

/** The JSON files of a zip, by base name. */
export function readZip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('empty zip'));
      const files = new Map<string, string>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName.slice(entry.fileName.lastIndexOf('/') + 1), Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
