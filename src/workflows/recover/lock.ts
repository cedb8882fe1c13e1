// One recover (or triage) per tenant and integration at a time on this machine: a lock file created with
// O_EXCL in <state dir>/locks/. A lock whose process is gone (same host, pid dead) is stale and taken over;
// one held by a live process, or by another host (a shared home), is respected.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { PreconditionError } from '../../errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../config/secure-files.js';

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
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
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
  ensurePrivateDir(join(options.stateDir, 'locks'));
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
      fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = readHolder(path);
      const stale = existing
        ? existing.host === host && !alive(existing.pid)
        : Date.now() - safeMtime(path) > TORN_LOCK_GRACE_MS;
      if (!stale) {
        const who = existing ? describeHolder(existing) : 'a process that is starting up';
        throw new PreconditionError(`another recover of ${options.integration} (tenant ${options.tenant}) is running: ${who}`, {
          hint:
            existing && existing.host !== host
              ? `it runs on another machine; if you are sure it is not running, delete ${path}`
              : `wait for it to finish; the lock is ${path}`,
        });
      }
      tookOver = existing ?? { pid: 0, host, user: 'unknown', started_at: 'unknown', run_id: 'unknown' };
      try {
        unlinkSync(path);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue; // another taker may win the race: O_EXCL decides
    }
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
    } finally {
      closeSync(fd);
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

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
