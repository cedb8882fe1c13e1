// Crash-safe file writes for the sandbox's state. Kept free of relative imports and of non-erasable
// TypeScript so that a test can run it directly with node (type stripping) in a child process and
// SIGKILL it mid-write.
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

let tmpCounter = 0;

/**
 * Writes `data` to `path` so that a reader (or a crash at any instant) sees either the old file or the new
 * one, never a mix: write a temp file in the same directory, fsync it, rename it over the target, fsync
 * the directory so the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++tmpCounter}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
}
