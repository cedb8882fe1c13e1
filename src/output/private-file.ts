// Files nsx writes for the user that hold customer data (exports of rejected events, log dumps): streamed
// to a temporary file beside the target (mode 0600), flushed, then moved into place, so that a failed or
// interrupted export never leaves a half-written file under the name the user asked for.
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { link, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

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
 * Streams `produce`'s writes into `path` atomically with mode 0600. Without `overwrite` the final step is a
 * hard link, which fails if the name was taken meanwhile instead of replacing it. Returns produce's result.
 */
export async function writePrivateFileStreaming<T>(
  path: string,
  produce: (write: (text: string) => Promise<void>) => Promise<T>,
  options: PrivateFileOptions,
): Promise<T> {
  checkWritableTarget(path, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true });
  await once(stream, 'open');
  let failure: unknown;
  stream.on('error', (error) => (failure ??= error));
  const write = async (text: string): Promise<void> => {
    if (failure) throw failure;
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
    if (failure) throw failure;
  };
  try {
    const result = await produce(write);
    stream.end();
    await once(stream, 'close');
    if (failure) throw failure;
    await moveIntoPlace(tmp, path, options);
    return result;
  } catch (error) {
    stream.destroy();
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

async function moveIntoPlace(tmp: string, path: string, options: PrivateFileOptions): Promise<void> {
  if (options.overwrite) {
    await rename(tmp, path);
    return;
  }
  try {
    await link(tmp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} exists; pass ${options.overwriteFlag ?? '--force'} to replace it`);
    // Some file systems have no hard links: check once more and rename.
    if (existsSync(path)) throw new UsageError(`${path} exists; pass ${options.overwriteFlag ?? '--force'} to replace it`);
    await rename(tmp, path);
    return;
  }
  await unlink(tmp);
}
