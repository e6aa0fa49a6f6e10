/**
 * One exclusive lock per gitdir and process, so a cron `run --once` and a manual `release` on the
 * same machine cannot interleave. The lock file is created atomically (`wx`) and names its holder
 * (pid, hostname, start time); a lock left by a dead process on this host is taken over. A lock
 * from another host is never presumed dead (a shared volume: we cannot see its processes).
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
}

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
    const { pid, hostname, startedAt } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof hostname !== 'string' || typeof startedAt !== 'string') {
      return undefined;
    }
    return { pid, hostname, startedAt };
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
    if (holder !== undefined && holder.hostname === me.hostname && !isAlive(holder.pid)) {
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
