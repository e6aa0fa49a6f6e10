/**
 * Races and crashes against the real Git server: a push raced by a person's commit is re-planned
 * on the new head; a `bin/tagpilot run --once` child SIGKILLed after its local commit, and
 * another SIGKILLed while its push is being answered, are each followed by a clean cycle with
 * exactly one tagpilot commit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runCycle } from '../../src/automation/cycle.js';
import { parseTrailers } from '../../src/automation/message.js';
import { discoverFor } from '../../src/automation/wiring.js';
import type { GitStore } from '../../src/git/types.js';
import { createLogger, SecretRedactor } from '../../src/telemetry/index.js';
import { openTestStore } from '../support/git/fixture.js';
import { gitCli } from '../support/git/repos.js';
import { testClient, tempCacheDir } from '../support/registry/client.js';
import { deployment, startWorld, type World } from './harness.js';
import { startHoldingProxy, type HoldingProxy } from './proxy.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const semver = (name: string) => ({
  'tagpilot.io/automated': 'true',
  [`tagpilot.io/tag.${name}`]: 'semver:*',
});

async function tagpilotCommits(world: World): Promise<string[]> {
  const out = await gitCli(['log', '--format=%H%x00%B%x01', 'main'], world.bare);
  return out
    .split('\x01')
    .filter((entry) => parseTrailers(entry.slice(entry.indexOf('\x00') + 1).trim()).length > 0)
    .map((entry) => entry.slice(0, entry.indexOf('\x00')).trim());
}

describe('a raced push is re-planned on the new head', () => {
  let world: World;
  before(async () => {
    world = await startWorld((host) => ({
      'apps/api.yaml': { content: deployment('api', `${host}/acme/api:1.0.0`, semver('api')) },
      'apps/web.yaml': { content: deployment('web', `${host}/acme/web:1.0.0`, semver('web')) },
    }));
    await world.push('acme/api', ['1.0.0', '1.1.0']);
    await world.push('acme/web', ['1.0.0', '1.2.0']);
  });
  after(async () => {
    await world.stop();
  });

  it('a person pushes between tagpilot sync and push; tagpilot re-plans and pushes once', async () => {
    const store = await openTestStore(world.url, { cacheDir: await tempCacheDir() });
    const { client } = await testClient({
      settings: { hosts: { [world.host]: { insecure: true } } },
    });
    let raced = false;
    const racing: GitStore = {
      sync: () => store.sync(),
      head: () => store.head(),
      readFiles: (p, c) => store.readFiles(p, c),
      log: (p, o) => store.log(p, o),
      readFileAt: (p, c) => store.readFileAt(p, c),
      commit: (w, m) => store.commit(w, m),
      push: async () => {
        if (!raced) {
          raced = true;
          await world.personCommit(
            {
              'apps/web.yaml': {
                content: deployment('web', `${world.host}/acme/web:1.2.0`, semver('web')),
              },
            },
            'person: web to 1.2.0 by hand',
          );
        }
        return store.push();
      },
    };
    try {
      const repo = {
        url: world.url,
        branch: 'main',
        paths: ['.'],
        defaultNamespace: 'default',
        pushBranch: undefined,
      };
      const { summary } = await runCycle(
        {
          git: racing,
          registry: client,
          discover: discoverFor(repo),
          logger: createLogger({
            level: 'silent',
            redactor: new SecretRedactor(),
            destination: { write: () => true },
          }),
          now: Date.now,
          random: () => 0.5,
          sleep: () => Promise.resolve(),
        },
        {
          repository: world.url,
          paths: ['.'],
          minTagAgeMs: 0,
          metadataBudget: 10,
          holdDepth: 50,
          scanConcurrency: 2,
          maxRetries: 3,
          backoff: { baseMs: 10, maxMs: 50 },
          skipCi: false,
          suspended: false,
          write: true,
        },
      );
      assert.equal(summary.outcome, 'committed');
      assert.equal(summary.pushAttempts, 2);
      const subjects = (await world.log()).map((line) => line.split('\t')[1]);
      assert.deepEqual(subjects, [
        'chore(images): update api to 1.1.0',
        'person: web to 1.2.0 by hand',
        'commit 1',
      ]);
      assert.match(await world.file('apps/web.yaml'), /acme\/web:1\.2\.0/);
      assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.1\.0/);
      await gitCli(['fsck', '--strict'], world.bare);
    } finally {
      await client.close();
      await store.close();
    }
  });
});

describe('crash safety: SIGKILL of bin/tagpilot run --once', () => {
  let world: World;
  let proxy: HoldingProxy;
  before(async () => {
    world = await startWorld(
      (host) => ({
        'apps/api.yaml': { content: deployment('api', `${host}/acme/api:1.0.0`, semver('api')) },
      }),
      () => '',
      async (direct) => {
        proxy = await startHoldingProxy(direct);
        return proxy.url(direct);
      },
    );
    await world.push('acme/api', ['1.0.0', '1.1.0']);
  });
  after(async () => {
    await proxy.stop();
    await world.stop();
  });

  async function killDuringPush(when: 'before' | 'after'): Promise<void> {
    const held = proxy.holdNext(/\/git-receive-pack$/, when);
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/tagpilot.js'),
        '--config',
        world.configFile,
        '--log-level',
        'silent',
        'run',
        '--once',
      ],
      {
        cwd: world.root,
        stdio: 'ignore',
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => {
        resolve(signal);
      }),
    );
    await held;
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  }

  it('killed after the local commit, before the push arrives: the next cycle commits once', async () => {
    await killDuringPush('before');
    assert.equal((await tagpilotCommits(world)).length, 0, 'nothing reached the server');
    const next = await world.cli(['run', '--once', '-o', 'json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal((JSON.parse(next.stdout) as { outcome: string }).outcome, 'committed');
    assert.equal((await tagpilotCommits(world)).length, 1);
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.1\.0/);
  });

  it('killed while the push is being answered (it landed): the next cycle adds no duplicate', async () => {
    await world.push('acme/api', ['1.2.0']);
    await killDuringPush('after');
    assert.equal((await tagpilotCommits(world)).length, 2, 'the push landed before the kill');
    const next = await world.cli(['run', '--once', '-o', 'json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal((JSON.parse(next.stdout) as { outcome: string }).outcome, 'no-change');
    assert.equal((await tagpilotCommits(world)).length, 2, 'no duplicate commit');
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.2\.0/);
    await gitCli(['fsck', '--strict'], world.bare);
  });
});
