// Files the user names (an input, a plan, a key file, a folder to write to): checked before anything is
// printed or sent, and one wording for every way a file cannot be read, whichever command names it.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** Why a file cannot be read, in words (never an errno code like ENOENT). */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return (error as Error).message.replace(/^E[A-Z]+:\s*/, '').replace(/,\s*\w+ '[^']*'$/, '');
}

/** "--plan-in: cannot read plan.json: no such file" (the flag is left out for a positional argument). */
export function unreadableFile(error: unknown, path: string, flag?: string): UsageError {
  if (error instanceof UsageError) return error;
  return new UsageError(`${flag ? `${flag}: ` : ''}cannot read ${path}: ${reason(error)}`);
}

/** Throws unreadableFile() unless `path` is a readable regular file; returns its size in bytes. */
export function checkReadableFile(path: string, flag?: string): number {
  try {
    const info = statSync(path);
    if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    if (!info.isFile()) throw new UsageError(`${flag ? `${flag}: ` : ''}cannot read ${path}: not a regular file`);
    accessSync(path, constants.R_OK);
    return info.size;
  } catch (error) {
    throw unreadableFile(error, path, flag);
  }
}

/** The absolute path of a file to write; its folder must exist (checked before anything is sent). */
export function fileInExistingFolder(file: string, flag: string): string {
  const path = resolve(file);
  let folder = false;
  try {
    folder = statSync(dirname(path)).isDirectory();
  } catch {
    folder = false;
  }
  if (!folder) throw new UsageError(`${flag}: cannot write ${file}: its folder ${dirname(path)} does not exist`);
  return path;
}
