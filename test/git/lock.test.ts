/** The gitdir lock between real processes: contention, waiting, stale takeover. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLock, GitLockHeld } from '../../src/git/index.js';
import { tempDir } from '../support/git/repos.js';

const HOLDER = path.join(import.meta.dirname, '..', 'support', 'git', 'lock-holder.ts');

function startHolder(lockPath: string): {
  child: ChildProcessWithoutNullStreams;
  line: Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, lockPath], { stdio: 'pipe' });
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('error', reject);
    child.on('exit', () => {
      resolve(out.trim());
    });
  });
  return { child, line };
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else
      child.on('exit', (code) => {
        resolve(code);
      });
  });

describe('gitdir lock between processes', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('lock');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second process while one holds it, naming the holder, then hands over', async () => {
    const lockPath = path.join(dir, 'a.lock');
    const { child, line } = startHolder(lockPath);
    assert.equal(await line, 'locked');
    const error = await acquireLock(lockPath).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof GitLockHeld, String(error));
    assert.equal(error.holder?.pid, child.pid);
    assert.equal(error.holder?.hostname, hostname());
    assert.match(error.message, new RegExp(`locked by pid ${child.pid} on `));
    assert.equal(error.transient, true);

    // A waiter with a timeout gets the lock once the holder releases it.
    const waiting = acquireLock(lockPath, { timeoutMs: 20_000, pollMs: 50 });
    child.stdin.end();
    const lock = await waiting;
    assert.equal(await exited(child), 0);
    const content = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number };
    assert.equal(content.pid, process.pid);
    await lock.release();
    await assert.rejects(readFile(lockPath), { code: 'ENOENT' });
  });

  it('makes the other process fail while this one holds it', async () => {
    const lockPath = path.join(dir, 'b.lock');
    const lock = await acquireLock(lockPath);
    const { child, line } = startHolder(lockPath);
    assert.equal(await line, 'GIT_LOCK_HELD');
    assert.equal(await exited(child), 1);
    await lock.release();
  });

  it('takes over a stale lock left by a dead process on this host', async () => {
    const lockPath = path.join(dir, 'c.lock');
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.on('exit', resolve));
    await writeFile(
      lockPath,
      JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const lock = await acquireLock(lockPath);
    const content = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number };
    assert.equal(content.pid, process.pid);
    await lock.release();
  });

  it('never presumes a lock from another host dead', async () => {
    const lockPath = path.join(dir, 'd.lock');
    await writeFile(
      lockPath,
      JSON.stringify({
        pid: 999_999_999,
        hostname: 'elsewhere',
        startedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    await assert.rejects(
      acquireLock(lockPath),
      (e: unknown) => e instanceof GitLockHeld && /pid 999999999 on elsewhere/.test(e.message),
    );
  });

  it('an owner (Lease held, or its own cache dir) takes over a lock from "pid 1, another hostname"', async () => {
    const lockPath = path.join(dir, 'e.lock');
    const foreign = {
      pid: 1,
      hostname: 'tagpilot-7d9f-old',
      startedAt: '2026-01-01T00:00:00.000Z',
      id: 'f00d',
    };
    await writeFile(lockPath, JSON.stringify(foreign));
    await assert.rejects(acquireLock(lockPath), GitLockHeld, 'without ownership it stays refused');
    const lock = await acquireLock(lockPath, { takeOverForeign: true, processId: 'me' });
    const content = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number; id: string };
    assert.deepEqual([content.pid, content.id], [process.pid, 'me']);
    await lock.release();
  });

  it('a restarted container (same pid and hostname, another id) takes its own old lock over', async () => {
    const lockPath = path.join(dir, 'f.lock');
    await writeFile(
      lockPath,
      JSON.stringify({
        pid: 1,
        hostname: 'pod-a',
        startedAt: '2026-01-01T00:00:00.000Z',
        id: 'before-restart',
      }),
    );
    const options = { pid: 1, hostname: 'pod-a', isAlive: () => true, processId: 'after-restart' };
    await assert.rejects(acquireLock(lockPath, options), GitLockHeld);
    const lock = await acquireLock(lockPath, { ...options, takeOverForeign: true });
    await lock.release();
  });

  it('never takes over from another live process on this host, even as an owner', async () => {
    const lockPath = path.join(dir, 'g.lock');
    const { child, line } = startHolder(lockPath);
    assert.equal(await line, 'locked');
    await assert.rejects(acquireLock(lockPath, { takeOverForeign: true }), GitLockHeld);
    child.stdin.end();
    assert.equal(await exited(child), 0);
  });
});
