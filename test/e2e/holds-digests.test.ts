/**
 * Rollback holds, digest pinning and the empty-tag-list rail, end to end against the real
 * registry and Git server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, startWorld, type World } from './harness.js';

const semver = (name: string) => ({
  'tagpilot.io/automated': 'true',
  [`tagpilot.io/tag.${name}`]: 'semver:*',
});

interface Summary {
  outcome: string;
  held: number;
  errors: number;
  updated: number;
}

describe('holds, digests and empty tag lists', () => {
  let world: World;
  const digests: Record<string, string> = {};
  before(async () => {
    world = await startWorld((host) => ({
      'apps/api.yaml': { content: deployment('api', `${host}/acme/api:1.0.0`, semver('api')) },
      'apps/pinned.yaml': {
        content: deployment(
          'pinned',
          `${host}/acme/pinned:1.0.0@sha256:${'0'.repeat(64)}`,
          semver('pinned'),
        ),
      },
      'apps/gone.yaml': { content: deployment('gone', `${host}/acme/gone:1.0.0`, semver('gone')) },
    }));
    await world.push('acme/api', ['1.0.0', '1.1.0']);
    digests['1.0.0'] = await world.push('acme/pinned', ['1.0.0']);
    digests['1.1.0'] = await world.push('acme/pinned', ['1.1.0']);
    const gone = await world.push('acme/gone', ['1.0.0', '1.1.0']);
    await world.deleteManifest('acme/gone', gone); // the registry now lists no tags
  });
  after(async () => {
    await world.stop();
  });

  it('updates tag and digest together; an empty tag list changes nothing and is reported', async () => {
    const result = await world.cli(['run', '--once', '-o', 'json']);
    const summary = JSON.parse(result.stdout) as Summary;
    assert.equal(summary.outcome, 'committed', result.stderr);
    assert.equal(result.code, 1, 'the empty repository is reported');
    assert.match(
      await world.file('apps/pinned.yaml'),
      new RegExp(`acme/pinned:1\\.1\\.0@${digests['1.1.0']} # keep this comment`),
    );
    assert.match(await world.file('apps/gone.yaml'), /acme\/gone:1\.0\.0 # keep/);
    const plan = await world.cli(['plan', '-o', 'json']);
    assert.match(plan.stdout, /NO_CANDIDATES/);
  });

  it('holds a rolled-back slot, reports it in plan, explain and the summary, then releases on a newer tag', async () => {
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.1\.0/);
    await world.personCommit(
      {
        'apps/api.yaml': {
          content: deployment('api', `${world.host}/acme/api:1.0.0`, semver('api')),
        },
      },
      'revert: api 1.1.0 is broken',
    );
    const held = await world.cli(['run', '--once', '-o', 'json']);
    const summary = JSON.parse(held.stdout) as Summary;
    assert.equal(summary.held, 1);
    assert.equal(summary.updated, 0);
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.0\.0/, 'not re-upgraded');

    const explain = await world.cli(['explain', 'prod:deployment/api']);
    assert.match(explain.stdout, /hold: +rolled back from 1\.1\.0/);
    assert.match(explain.stdout, /decision: +held/);
    const plan = await world.cli(['plan']);
    assert.match(plan.stdout, /prod:deployment\/api\/api +held/);

    await world.push('acme/api', ['1.1.1']);
    const released = await world.cli(['run', '--once', '-o', 'json']);
    assert.equal((JSON.parse(released.stdout) as Summary).outcome, 'committed');
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.1\.1/);
  });
});
