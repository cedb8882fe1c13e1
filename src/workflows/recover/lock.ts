// One command at a time retries or deletes the rejected events of a tenant's integration on this machine
// (recover, rejected retry/delete, triage): a lock file created with O_EXCL in <state dir>/locks/. A lock
// whose process is gone (same host, pid dead) is stale and taken over; one held by a live process, or by
// another host (a shared home), is respected. Read-only commands never take it; a dry run reads it to say
// what is in progress. The takeover is atomic: the
// stale file is renamed aside (only one taker can move it) and checked to be the very file judged stale
// before the new lock is created with O_EXCL, so a lock another process has just taken is never deleted.
// A lock file (or locks/ folder) that is a symbolic link is refused, never followed or taken over.
import { closeSync, linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { currentUser } from '../../config/user.js';
import { join } from 'node:path';
import { PreconditionError } from '../../errors.js';
import { createExclusive, ensurePrivateDir, readFileNoFollow, refuseLink, writeAll, writePrivateFileAtomic } from '../../config/secure-files.js';
import { shellQuote } from '../../hints.js';
import { currentIO } from '../../io.js';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  started_at: string;
  /** The recover or triage run, when the holder has one (rejected retry/delete have none). */
  run_id: string | null;
  /** The holder's command line, as typed (secrets never reach argv). */
  command: string;
  /** Tells this holder from a later one with the same pid. */
  token?: string;
}

export interface HeldLock {
  path: string;
  holder: LockHolder;
  /** The stale lock this one replaced, if any (say so to the user). */
  tookOver?: LockHolder | undefined;
  /** Names the run once it is known (a recover takes the lock before it knows whether it resumes). */
  setRunId(runId: string): void;
  release(): void;
}

/** A file-name-safe form of an id (tenant and integration ids are already tame; this keeps it so). */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function lockPath(stateDir: string, tenant: string, integration: string): string {
  return join(stateDir, 'locks', `${safe(tenant)}--${safe(integration)}.lock`);
}

export { currentUser };

/** user@host: who acted, on every journal event line (recover and triage alike). */
export function actorName(): string {
  return `${currentUser()}@${hostname()}`;
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

/** The running command's line, as a person would type it: `nsx recover erp-orders --yes`. */
export function currentCommandLine(argv: readonly string[] = currentIO().argv ?? process.argv): string {
  return ['nsx', ...argv.slice(2)].map(shellQuote).join(' ');
}

/** "pid 4242 on box (user ops), `nsx recover erp-orders --yes`, started 2026-11-20T08:15:02Z, run 2026…" */
export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (user ${h.user}), \`${h.command ?? 'nsx'}\`, started ${h.started_at}${h.run_id ? `, run ${h.run_id}` : ''}`;
}

/**
 * The holder of the lock when a live process holds it (or one on another host, which cannot be probed);
 * undefined when the lock is free or stale. For dry runs, which never take it.
 */
export function liveLockHolder(options: { stateDir: string; tenant: string; integration: string; host?: string; alive?: (pid: number) => boolean }): LockHolder | undefined {
  const holder = readHolder(lockPath(options.stateDir, options.tenant, options.integration));
  if (!holder) return undefined;
  const host = options.host ?? hostname();
  if (holder.host !== host) return holder;
  return (options.alive ?? isProcessAlive)(holder.pid) ? holder : undefined;
}

/** A torn lock file older than this is a crash between create and write, not a run starting up. */
const TORN_LOCK_GRACE_MS = 5_000;

export function acquireLock(options: {
  stateDir: string;
  tenant: string;
  integration: string;
  /** The recover or triage run taking it, if any. */
  runId?: string | null;
  /** The command line shown to a second taker (default: this process's). */
  command?: string;
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
    run_id: options.runId ?? null,
    command: options.command ?? currentCommandLine(),
    token: randomBytes(6).toString('hex'),
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
        throw new PreconditionError(`another nsx is retrying or deleting the rejected events of ${options.integration} (tenant ${options.tenant}): ${who}`, {
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
      tookOver = existing ?? { pid: 0, host, user: 'unknown', started_at: 'unknown', run_id: null, command: 'unknown' };
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
    const ours = (): boolean => {
      // Only our own lock: a taker may have replaced it if we were judged dead.
      const current = readHolder(path);
      return current !== undefined && current.token === holder.token && current.pid === holder.pid;
    };
    return {
      path,
      holder,
      tookOver,
      setRunId: (runId: string) => {
        if (!ours()) return;
        holder.run_id = runId;
        // Replaced by a rename (temporary name, no-follow, exclusive), so a reader never sees a torn file
        // and the lock never disappears.
        writePrivateFileAtomic(path, `${JSON.stringify(holder)}\n`);
      },
      release: () => {
        if (ours()) {
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
