// nsx's one way to write a file. Files that may hold secrets or customer data (config, credentials, token
// cache, journals, plans, locks, exports): owner-only, written to a temporary name beside the target,
// created exclusively (O_EXCL) and never through a symbolic link (O_NOFOLLOW), every write checked (short
// writes too), fsync'ed, then renamed into place, so that a crash or a full disk never leaves half a file
// under the real name. The folders nsx owns (config, state and cache dirs and their subfolders) and the
// files in them are refused when they are symbolic links: whoever planted the link chose where nsx writes.
import { chmodSync, closeSync, constants, existsSync, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative, sep } from 'node:path';
import { NsxError, UsageError } from '../errors.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A path nsx owns is a symbolic link (or not what it should be): refused, nothing written. */
export class UnsafeLocalPathError extends NsxError {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`refusing to use ${path}: ${what} (nsx never writes through links in its config, state and cache folders)`);
    this.name = 'UnsafeLocalPathError';
  }
}

/** The disk (or quota) is full: one line, exit 1; the caller adds what to do next. */
export class DiskFullError extends NsxError {
  constructor(
    readonly path: string,
    readonly code: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(`no space left writing ${path} (${code})`, undefined, options);
    this.name = 'DiskFullError';
  }
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Turns a write failure into nsx's error for it (a full disk, a planted link), else returns it as is. */
export function writeFailure(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (DISK_FULL_CODES.has(code)) return new DiskFullError(path, code, { cause: error });
  if (code === 'ELOOP') return new UnsafeLocalPathError(path, 'it is a symbolic link');
  return error;
}

/** Throws if `path` exists and is a symbolic link (or, with `kind`, not a file / folder). */
export function refuseLink(path: string, kind?: 'file' | 'dir'): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (st.isSymbolicLink()) throw new UnsafeLocalPathError(path, 'it is a symbolic link');
  if (kind === 'dir' && !st.isDirectory()) throw new UnsafeLocalPathError(path, 'it is not a folder');
  if (kind === 'file' && !st.isFile()) throw new UnsafeLocalPathError(path, 'it is not a regular file');
}

/**
 * Creates the folder (and parents) owner-only, and narrows an existing one that is wider. Every folder
 * from `owned` (the nsx folder it lives in, e.g. the state dir) down to `dir` must be a real folder, not a
 * link: nothing is chmod'ed or written through one.
 */
export function ensurePrivateDir(dir: string, owned: string = dir): void {
  const rel = relative(owned, dir);
  const chain = [owned];
  if (rel && !rel.startsWith('..')) for (const part of rel.split(sep)) chain.push(join(chain[chain.length - 1]!, part));
  else if (rel) chain.splice(0, 1, dir);
  for (const d of chain) refuseLink(d, 'dir');
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const d of chain) refuseLink(d, 'dir'); // a link planted meanwhile
  const mode = statSync(dir).mode & 0o777;
  if (mode !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

// ---- Test hook: a disk that fills up ----------------------------------------------------------------
// NSX_TEST_ENOSPC=<name suffix>:<bytes> makes writes to files whose name ends with the suffix fail with
// ENOSPC once that many bytes went into the file (a short write first). For tests only; it can only make
// writes fail, never change what is written.
const testFill = ((): { suffix: string; bytes: number } | undefined => {
  const m = /^(.+):(\d+)$/.exec(process.env.NSX_TEST_ENOSPC ?? '');
  return m ? { suffix: m[1]!, bytes: Number(m[2]) } : undefined;
})();
const writtenByFile = new Map<string, number>();

/** Writes all of `data` at the file's position, or throws (a write of 0 bytes is a failure too). */
export function writeAll(fd: number, data: string | Buffer, path: string): void {
  let buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const name = testFill && basename(path).replace(/\.[0-9a-f.]+\.tmp$/, '');
  while (buf.length > 0) {
    let length = buf.length;
    if (testFill && name!.endsWith(testFill.suffix)) {
      const room = testFill.bytes - (writtenByFile.get(name!) ?? 0);
      if (room <= 0) throw writeFailure(Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' }), path);
      length = Math.min(length, room);
    }
    let n: number;
    try {
      n = writeSync(fd, buf, 0, length);
    } catch (error) {
      throw writeFailure(error, path);
    }
    if (n <= 0) throw new DiskFullError(path, 'short write');
    if (testFill) writtenByFile.set(name!, (writtenByFile.get(name!) ?? 0) + n);
    buf = buf.subarray(n);
  }
}

/** Opens an existing file for appending (no link followed, nothing created). */
export function openForAppend(path: string): number {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new UnsafeLocalPathError(path, 'it is not a regular file');
    }
    return fd;
  } catch (error) {
    throw writeFailure(error, path);
  }
}

/** Creates a new file exclusively (fails if the name exists, link or not), owner-only. */
export function createExclusive(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_FILE_MODE);
  } catch (error) {
    throw writeFailure(error, path);
  }
}

/** Opens a file for reading without following a link. */
export function openForRead(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeLocalPathError(path, 'it is a symbolic link');
    throw error;
  }
}

export function readFileNoFollow(path: string): string {
  const fd = openForRead(path);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * A file being written under a temporary name beside its target; `commit` moves it into place. Without
 * `overwrite` the move is a hard link, which fails if the name was taken meanwhile instead of replacing it.
 */
export class AtomicFile {
  private readonly fd: number;
  private done = false;
  readonly tmp: string;

  constructor(
    readonly path: string,
    options: { hidden?: boolean } = {},
  ) {
    this.tmp = join(dirname(path), `${options.hidden ? '.' : ''}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    this.fd = createExclusive(this.tmp);
  }

  write(data: string | Buffer): void {
    try {
      writeAll(this.fd, data, this.tmp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  commit(options: { overwrite: boolean; exists?: () => Error } = { overwrite: true }): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.done = true;
      chmodSync(this.tmp, PRIVATE_FILE_MODE);
      if (options.overwrite) {
        refuseLink(this.path, 'file');
        renameSync(this.tmp, this.path);
        return;
      }
      try {
        linkSync(this.tmp, this.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw options.exists?.() ?? error;
        // Some file systems have no hard links: check once more and rename.
        if (lstatExists(this.path)) throw options.exists?.() ?? error;
        renameSync(this.tmp, this.path);
        return;
      }
      unlinkSync(this.tmp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Gives up: the temporary file is removed, the target untouched. */
  abort(): void {
    if (!this.done) {
      this.done = true;
      try {
        closeSync(this.fd);
      } catch {
        /* closed */
      }
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      /* gone */
    }
  }

  private fail(error: unknown): unknown {
    this.abort();
    return writeFailure(error, this.path);
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Replaces `path` with `content` atomically (folder created owner-only; `owned`: see ensurePrivateDir). */
export function writePrivateFileAtomic(path: string, content: string, owned?: string): void {
  ensurePrivateDir(dirname(path), owned);
  const file = new AtomicFile(path);
  file.write(content);
  file.commit({ overwrite: true });
}

/**
 * Reads a JSON file; undefined when it does not exist. A file that is not JSON is an error, never ignored.
 * A link is refused (nsx's own files) unless `followLinks` (a file the user named, e.g. sandbox --state).
 */
export function readJsonFile<T>(path: string, options: { followLinks?: boolean } = {}): T | undefined {
  try {
    return JSON.parse(options.followLinks ? readFileSync(path, 'utf8') : readFileNoFollow(path)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// ---- Files nsx writes for the user ------------------------------------------------------------------
// Exports of rejected events, log dumps: they hold customer data. Streamed to a temporary file beside the
// target (mode 0600), flushed, then moved into place, so that a failed or interrupted export never
// leaves a half-written file under the name the user asked for.

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
 * Streams `produce`'s writes into `path` atomically with mode 0600. Without `overwrite` an existing name is
 * never replaced. Returns produce's result.
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

/** Permission problems of a file or folder that should be owner-only, as readable sentences. */
export function permissionProblems(path: string, kind: 'file' | 'dir'): string[] {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return [`${path} is a symbolic link (nsx refuses it)`];
    const mode = st.mode & 0o777;
    const want = kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    return (mode & 0o077) !== 0 ? [`${path} is mode ${mode.toString(8)}, should be ${want.toString(8)}`] : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
