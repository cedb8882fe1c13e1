// One recover (or triage) per tenant and integration at a time on this machine: a lock file created with
// O_EXCL in <state dir>/locks/. A lock whose process is gone (same host, pid dead) is stale and taken over;
// one held by a live process, or by another host (a shared home), is respected. The takeover is atomic: the
// stale file is renamed aside (only one taker can move it) and checked to be the very file judged stale
// before the new lock is created with O_EXCL, so a lock another process has just taken is never deleted.
// A lock file (or locks/ folder) that is a symbolic link is refused, never followed or taken over.
import { closeSync, linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { PreconditionError } from '../../errors.js';
import { createExclusive, ensurePrivateDir, readFileNoFollow, refuseLink, writeAll } from '../../config/secure-files.js';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  started_at: string;
  run_id: string;
}

export interface HeldLock {
  path: string;
  holder: LockHolder;
  /** The stale lock this one replaced, if any (say so to the user). */
  tookOver?: LockHolder | undefined;
  release(): void;
}

/** A file-name-safe form of an id (tenant and integration ids are already tame; this keeps it so). */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function lockPath(stateDir: string, tenant: string, integration: string): string {
  return join(stateDir, 'locks', `${safe(tenant)}--${safe(integration)}.lock`);
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** process.kill(pid, 0) probes without signalling: ESRCH = no such process; EPERM = alive, someone else's. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return parseHolder(readFileNoFollow(path));
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed as LockHolder;
  } catch {
    // empty or torn (a crash between create and write): judged by age below
  }
  return undefined;
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (user ${h.user}, run ${h.run_id}, since ${h.started_at})`;
}

/** A torn lock file older than this is a crash between create and write, not a run starting up. */
const TORN_LOCK_GRACE_MS = 5_000;

export function acquireLock(options: {
  stateDir: string;
  tenant: string;
  integration: string;
  runId: string;
  now?: Date;
  /** Tests: the host name and liveness probe. */
  host?: string;
  alive?: (pid: number) => boolean;
}): HeldLock {
  const path = lockPath(options.stateDir, options.tenant, options.integration);
  ensurePrivateDir(join(options.stateDir, 'locks'), options.stateDir);
  const host = options.host ?? hostname();
  const alive = options.alive ?? isProcessAlive;
  const holder: LockHolder = {
    pid: process.pid,
    host,
    user: currentUser(),
    started_at: (options.now ?? new Date()).toISOString(),
    run_id: options.runId,
  };
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = createExclusive(path); // O_EXCL | O_NOFOLLOW: a link planted under the name counts as taken
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      refuseLink(path, 'file');
      const judged = fileIdentity(path);
      if (!judged) continue; // released meanwhile
      const existing = judged.text ? parseHolder(judged.text) : undefined;
      const stale = existing
        ? existing.host === host && !alive(existing.pid)
        : Date.now() - judged.mtimeMs > TORN_LOCK_GRACE_MS;
      if (!stale) {
        const who = existing ? describeHolder(existing) : 'a process that is starting up';
        throw new PreconditionError(`another recover of ${options.integration} (tenant ${options.tenant}) is running: ${who}`, {
          hint:
            existing && existing.host !== host
              ? `it runs on another machine; if you are sure it is not running, delete ${path}`
              : `wait for it to finish; the lock is ${path}`,
        });
      }
      // Move the stale file aside: of several takers only one moves it. If what was moved is not the file
      // judged stale (another taker replaced it in between), it is put back and the judgement starts over.
      const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
      try {
        renameSync(path, aside);
      } catch (renameError) {
        if ((renameError as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw renameError;
      }
      const moved = fileIdentity(aside);
      // (inode numbers are reused at once, so the content is compared too)
      if (!moved || moved.ino !== judged.ino || moved.dev !== judged.dev || moved.mtimeMs !== judged.mtimeMs || moved.text !== judged.text) {
        try {
          linkSync(aside, path); // back under its name, unless a newer lock took the name already
        } catch {
          /* the name is taken again: that lock decides */
        }
        unlinkSync(aside);
        continue;
      }
      unlinkSync(aside);
      tookOver = existing ?? { pid: 0, host, user: 'unknown', started_at: 'unknown', run_id: 'unknown' };
      continue; // another taker may win the race: O_EXCL decides
    }
    try {
      writeAll(fd, `${JSON.stringify(holder)}\n`, path);
    } catch (writeError) {
      closeSync(fd);
      unlinkSync(path); // an empty lock of ours would block the next run for a while
      throw writeError;
    } finally {
      try {
        closeSync(fd);
      } catch {
        /* closed above */
      }
    }
    return {
      path,
      holder,
      tookOver,
      release: () => {
        // Only our own lock: a taker may have replaced it if we were judged dead.
        const current = readHolder(path);
        if (current?.run_id === holder.run_id && current.pid === holder.pid) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      },
    };
  }
  throw new PreconditionError(`could not take the lock ${path}: other processes keep replacing it`);
}

/** What a lock file is: inode, modification time and content (read without following a link). */
function fileIdentity(path: string): { ino: number; dev: number; mtimeMs: number; text: string } | undefined {
  try {
    const st = lstatSync(path);
    return { ino: st.ino, dev: st.dev, mtimeMs: st.mtimeMs, text: readFileNoFollow(path) };
  } catch {
    return undefined;
  }
}
