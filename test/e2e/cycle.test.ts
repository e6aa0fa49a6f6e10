/**
 * The cycle end to end through `tagpilot run --once` and `tagpilot plan`, against the real
 * registry and Git server: automated, locked and ignored workloads, semver and glob policies, a
 * shared image scanned once (counted in the registry's access log), idempotency, a broken
 * manifest beside good ones, an empty repository.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrailers } from '../../src/automation/message.js';
import { gitCli } from '../support/git/repos.js';
import { deployment, startWorld, type World } from './harness.js';

describe('run --once and plan (real registry and Git server)', () => {
  let world: World;
  before(async () => {
    world = await startWorld((host) => ({
      'apps/api.yaml': {
        content: deployment('api', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.api': 'semver:~1.4',
        }),
      },
      'apps/worker.yaml': {
        content: deployment('worker', `${host}/acme/shared:1.0.0`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.worker': 'semver:^1',
        }),
      },
      'apps/cron.yaml': {
        content: deployment('cron', `${host}/acme/shared:1.0.0`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.cron': 'semver:^1',
        }),
      },
      'apps/web.yaml': {
        content: deployment('web', `${host}/acme/web:main-1`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.web': 'glob:main-*',
        }),
      },
      'apps/locked.yaml': {
        content: deployment('locked', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/locked': 'true',
          'tagpilot.io/tag.locked': 'semver:~1.4',
        }),
      },
      'apps/manual.yaml': { content: deployment('manual', `${host}/acme/api:1.4.2`, {}) },
      'apps/ignored.yaml': {
        content: deployment('ignored', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/ignore': 'true',
        }),
      },
      'apps/empty.yaml': {
        content: deployment('empty', `${host}/acme/none:1.0.0`, {
          'tagpilot.io/automated': 'true',
        }),
      },
      'apps/broken.yaml': {
        content: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken\n  annotations: [\nspec:\n  containers:\n    - image: ${host}/acme/api:1.4.2\n`,
      },
    }));
    await world.push('acme/api', ['1.4.2', '1.4.3', '1.5.0']);
    await world.push('acme/shared', ['1.0.0', '1.2.0', '2.0.0']);
    await world.push('acme/web', ['main-1'], '2026-01-01T00:00:00Z');
    await world.push('acme/web', ['main-2'], '2026-01-03T00:00:00Z');
    await world.push('acme/web', ['main-0'], '2026-01-02T00:00:00Z');
  });
  after(async () => {
    await world.stop();
  });

  it('plan shows the pending changes as a diff and exits 3 with --exit-code; nothing is pushed', async () => {
    const before = await world.log();
    const result = await world.cli(['plan', '--exit-code']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stdout,
      /^-\s+image: 127\.0\.0\.1:\d+\/acme\/api:1\.4\.2 # keep this comment$/m,
    );
    assert.match(
      result.stdout,
      /^\+\s+image: 127\.0\.0\.1:\d+\/acme\/api:1\.4\.3 # keep this comment$/m,
    );
    assert.match(result.stdout, /apps\/broken\.yaml/);
    assert.deepEqual(await world.log(), before);
  });

  it('run --once writes one commit for every automated workload and leaves the rest', async () => {
    const scansBefore = (await world.registry.clientRequests()).length;
    const result = await world.cli(['run', '--once', '-o', 'json']);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(summary.outcome, 'committed', result.stderr);
    assert.equal(summary.updated, 4);
    assert.equal(summary.locked, 1);
    assert.equal(
      result.code,
      1,
      'exit 1: the empty repository and the broken manifest are reported',
    );
    assert.equal(summary.errors, 1);

    const api = await world.file('apps/api.yaml');
    assert.match(api, /acme\/api:1\.4\.3 # keep this comment/);
    assert.match(await world.file('apps/worker.yaml'), /acme\/shared:1\.2\.0/);
    assert.match(await world.file('apps/cron.yaml'), /acme\/shared:1\.2\.0/);
    assert.match(
      await world.file('apps/web.yaml'),
      /acme\/web:main-2/,
      'glob picks the newest build',
    );
    assert.match(await world.file('apps/locked.yaml'), /acme\/api:1\.4\.2/);
    assert.match(await world.file('apps/manual.yaml'), /acme\/api:1\.4\.2/);
    assert.match(await world.file('apps/ignored.yaml'), /acme\/api:1\.4\.2/);

    const log = await world.log();
    assert.equal(log.length, 2, 'one commit for all workloads');
    const message = await gitCli(['log', '-1', '--format=%B', 'main'], world.bare);
    assert.equal(parseTrailers(message).length, 4);
    const grep = await gitCli(
      ['log', '--grep', 'Tagpilot-Update', '--format=%s', 'main'],
      world.bare,
    );
    assert.match(grep, /^chore\(images\): update /);

    // The shared image was listed once for two workloads (server-side access log).
    const lists = (await world.registry.clientRequests(scansBefore)).filter((l) =>
      l.path.startsWith('/v2/acme/shared/tags/list'),
    );
    assert.equal(lists.length, 1);
  });

  it('a second run changes nothing (idempotent)', async () => {
    const before = await world.log();
    const result = await world.cli(['run', '--once', '-o', 'json']);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(summary.outcome, 'no-change');
    assert.deepEqual(await world.log(), before);
    const plan = await world.cli(['plan', '--exit-code']);
    assert.equal(plan.code, 1, 'no changes pending; the broken manifest is still reported');
  });
});
