// Writes an integration, all its log entries and all its rejected events to a folder, as `delete --export`
// does before deleting (NewStore deletes logs and rejected events with the integration). Each file is
// streamed to a temporary name and moved into place when complete (src/config/secure-files.ts); if any
// part fails, the parts already written are removed, so the folder never holds an export that looks whole
// but is not. Rejected events carry customer data: the files are owner-only.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiClient } from '../../api/client.js';
import type { Integration } from '../../api/schemas.js';
import { UsageError } from '../../errors.js';
import { writePrivateFileStreaming } from '../../config/secure-files.js';
import { maskIntegration } from './shared.js';

export const EXPORT_FILES = {
  integration: 'integration.json',
  logs: 'logs.ndjson',
  rejectedEvents: 'rejected-events.ndjson',
} as const;

export interface ExportSummary {
  dir: string;
  logs: number;
  rejected_events: number;
}

/** Checks the target folder before anything is sent: it may exist, but must not hold an earlier export. */
export function checkExportDir(dir: string): string {
  const path = resolve(dir);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new UsageError(`--export: ${dir} exists and is not a folder`);
    const clash = Object.values(EXPORT_FILES).filter((f) => existsSync(join(path, f)));
    if (clash.length) throw new UsageError(`--export: ${dir} already holds ${clash.join(', ')}; choose an empty folder`);
  }
  return path;
}

export async function exportIntegration(client: ApiClient, integration: Integration, dir: string, signal?: AbortSignal): Promise<ExportSummary> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  const pages = signal ? { signal } : {};
  const writeFile = async (name: string, lines: AsyncIterable<unknown> | undefined, whole?: unknown): Promise<number> => {
    const path = join(dir, name);
    const count = await writePrivateFileStreaming(
      path,
      async (write) => {
        if (whole !== undefined) {
          await write(`${JSON.stringify(whole, null, 2)}\n`);
          return 1;
        }
        let n = 0;
        for await (const item of lines!) {
          await write(`${JSON.stringify(item)}\n`);
          n++;
        }
        return n;
      },
      { overwrite: false },
    );
    written.push(path);
    return count;
  };
  try {
    const logs = await writeFile(EXPORT_FILES.logs, client.eventstream.logs(integration.id, pages));
    const rejected = await writeFile(EXPORT_FILES.rejectedEvents, client.eventstream.rejectedEvents(integration.id, pages));
    // Written last: its presence says the export is complete.
    await writeFile(EXPORT_FILES.integration, undefined, maskIntegration(integration));
    return { dir, logs, rejected_events: rejected };
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    throw error;
  }
}
