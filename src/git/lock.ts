/**
 * One exclusive lock per gitdir and process, so a cron `run --once` and a manual `release` on the
 * same machine cannot interleave. The lock file is created atomically (`wx`) and names its holder
 * (pid, hostname, start time, and a random id per process); a lock left by a dead process on this
 * host is taken over. A lock from another host is never presumed dead (a shared volume: we cannot
 * see its processes) — unless the caller says it owns the working copy by other means
 * (`takeOverForeign`: the controller holds the repository's Lease, or runs with
 * `controller.coordination: none` and a cache directory of its own). Then any lock whose id is
 * not this process's is taken over, except one held by another live process on this host: a
 * restarted container is usually pid 1 again, on a new hostname, so pid and host prove nothing
 * (docs/decisions/0144-lock-process-id.md).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { GitLockHeld, type LockHolder } from './errors.js';

export interface LockOptions {
  /** Wait this long for a live holder before giving up; 0 fails at once. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Injected for tests; default: this process. */
  readonly pid?: number;
  readonly hostname?: string;
  /** True when `pid` is alive on this host; default: `process.kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
  /** This process's random id; default: one made when this module loads. */
  readonly processId?: string;
  /** The caller owns the working copy (a Lease, or its own cache directory): take over foreign locks. */
  readonly takeOverForeign?: boolean;
}

/** Random per process: a lock with another id was left by another process, whatever its pid. */
export const PROCESS_LOCK_ID = randomBytes(12).toString('hex');

export interface GitdirLock {
  readonly path: string;
  release(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, hostname, startedAt, id } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof hostname !== 'string' || typeof startedAt !== 'string') {
      return undefined;
    }
    // Lock files written before ids existed have none: they are foreign to every process.
    return { pid, hostname, startedAt, ...(typeof id === 'string' ? { id } : {}) };
  } catch {
    return undefined;
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  return holder === undefined
    ? 'an unknown process (unreadable lock file)'
    : `pid ${holder.pid} on ${holder.hostname} since ${holder.startedAt}`;
}

export async function acquireLock(path: string, options: LockOptions = {}): Promise<GitdirLock> {
  const me: LockHolder = {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    startedAt: new Date().toISOString(),
    id: options.processId ?? PROCESS_LOCK_ID,
  };
  const mine = `${JSON.stringify(me)}\n`;
  const isAlive = options.isAlive ?? processAlive;
  const deadline = Date.now() + (options.timeoutMs ?? 0);
  for (;;) {
    try {
      await fsp.writeFile(path, mine, { flag: 'wx', mode: 0o644 });
      return { path, release: () => releaseIfMine(path, mine) };
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await fsp.readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released between our create and read: try again
    const holder = parseHolder(text);
    if (isStale(holder, me, isAlive, options.takeOverForeign === true)) {
      await takeOverStale(path, text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new GitLockHeld(
        `the Git working copy is locked by ${describeHolder(holder)} (lock file ${path}); ` +
          'another tagpilot process is using it',
        holder,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

function isStale(
  holder: LockHolder | undefined,
  me: LockHolder,
  isAlive: (pid: number) => boolean,
  takeOverForeign: boolean,
): boolean {
  const sameHost = holder !== undefined && holder.hostname === me.hostname;
  if (sameHost && holder.pid !== me.pid && !isAlive(holder.pid)) return true;
  if (!takeOverForeign || holder?.id === me.id) return false;
  // Another live process on this host is a real competitor (a CLI `release` next to us).
  const liveNeighbour = sameHost && holder.pid !== me.pid && isAlive(holder.pid);
  return !liveNeighbour;
}

/**
 * Moves the stale file aside atomically, then checks that what moved is the stale content: if a
 * competitor took over first and wrote a fresh lock, that fresh lock is put back with `link`,
 * which cannot overwrite.
 */
async function takeOverStale(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await fsp.rename(path, aside);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fsp.readFile(aside, 'utf8');
  if (moved !== staleText) await fsp.link(aside, path).catch(() => undefined);
  await fsp.unlink(aside).catch(() => undefined);
}

async function releaseIfMine(path: string, mine: string): Promise<void> {
  const text = await fsp.readFile(path, 'utf8').catch(() => undefined);
  if (text === mine) await fsp.unlink(path).catch(() => undefined);
}
