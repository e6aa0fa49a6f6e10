/**
 * The `run` loop as a user runs it: a real `bin/tagpilot run` child process against the real
 * registry and Git server commits each new tag as it appears, then stops cleanly on SIGTERM —
 * exit 0, the gitdir lock released, so the next process starts at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployment, startWorld, type World } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('tagpilot run (the loop)', () => {
  let world: World;
  before(async () => {
    world = await startWorld(
      (host) => ({
        'apps/api.yaml': {
          content: deployment('api', `${host}/acme/api:1.0.0`, {
            'tagpilot.io/automated': 'true',
            'tagpilot.io/tag.api': 'semver:^1',
          }),
        },
      }),
      () => '  interval: 300ms\n',
    );
    await world.push('acme/api', ['1.0.0', '1.1.0']);
  });
  after(async () => world.stop());

  it('commits each new tag as it appears and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/tagpilot.js'),
        '--config',
        world.configFile,
        '--log-level',
        'info',
        'run',
      ],
      { cwd: world.root, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      }),
    );
    try {
      await until('the first commit', async () =>
        (await world.file('apps/api.yaml')).includes('acme/api:1.1.0'),
      );
      await world.push('acme/api', ['1.2.0']);
      await until('the second commit', async () =>
        (await world.file('apps/api.yaml')).includes('acme/api:1.2.0'),
      );
    } finally {
      child.kill('SIGTERM');
    }
    const { code, signal } = await exited;
    assert.equal(signal, null, `exited by signal ${String(signal)}\n${stderr}`);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM received, stopping after the current step/);
    assert.match(stderr, /stopped on request/);

    const subjects = (await world.log()).map((line) => line.split('\t')[1]);
    assert.deepEqual(subjects, [
      'chore(images): update api to 1.2.0',
      'chore(images): update api to 1.1.0',
      'commit 1',
    ]);
    const leftovers = (await readdir(path.join(world.cacheDir, 'git'))).filter((name) =>
      name.endsWith('.lock'),
    );
    assert.deepEqual(leftovers, [], 'the gitdir lock is released on the way out');

    const next = await world.cli(['run', '--once', '-o', 'json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal((JSON.parse(next.stdout) as { outcome: string }).outcome, 'no-change');
  });
});
