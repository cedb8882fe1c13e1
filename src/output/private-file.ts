// Files nsx writes for the user that hold customer data (exports of rejected events, log dumps): streamed
// to a temporary file beside the target (mode 0600), flushed, then moved into place, so that a failed or
// interrupted export never leaves a half-written file under the name the user asked for.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { AtomicFile } from '../config/secure-files.js';

export interface PrivateFileOptions {
  /** Replace an existing file (--force); otherwise an existing file is refused. */
  overwrite: boolean;
  /** The flag that allows overwriting, named in the refusal. */
  overwriteFlag?: string;
}

/** Refuses early (before any request) a target that exists without --force, or whose folder is missing. */
export function checkWritableTarget(path: string, options: PrivateFileOptions): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not an existing folder (writing ${path})`);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new UsageError(`${path} is a folder; name a file`);
    if (!options.overwrite) throw new UsageError(`${path} exists; pass ${options.overwriteFlag ?? '--force'} to replace it`);
  }
}

/**
 * Streams `produce`'s writes into `path` atomically with mode 0600 (through the one safe writer,
 * config/secure-files.ts). Without `overwrite` an existing name is never replaced. Returns produce's result.
 */
export async function writePrivateFileStreaming<T>(
  path: string,
  produce: (write: (text: string) => Promise<void>) => Promise<T>,
  options: PrivateFileOptions,
): Promise<T> {
  checkWritableTarget(path, options);
  const file = new AtomicFile(path, { hidden: true });
  try {
    const result = await produce(async (text) => file.write(text));
    file.commit({
      overwrite: options.overwrite,
      exists: () => new UsageError(`${path} exists; pass ${options.overwriteFlag ?? '--force'} to replace it`),
    });
    return result;
  } catch (error) {
    file.abort();
    throw error;
  }
}
