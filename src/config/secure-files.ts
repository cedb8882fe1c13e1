// Files that may hold secrets (config, credentials, token cache, journals): owner-only, checked and
// repaired on every write. Writes are atomic (temp file + fsync + rename) so a crash never leaves half a file.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder (and parents) owner-only, and narrows an existing one that is wider. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const mode = statSync(dir).mode & 0o777;
  if (mode !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

export function writePrivateFileAtomic(path: string, content: string): void {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, path);
}

export function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Permission problems of a file or folder that should be owner-only, as readable sentences. */
export function permissionProblems(path: string, kind: 'file' | 'dir'): string[] {
  try {
    const mode = statSync(path).mode & 0o777;
    const want = kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    return (mode & 0o077) !== 0 ? [`${path} is mode ${mode.toString(8)}, should be ${want.toString(8)}`] : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
