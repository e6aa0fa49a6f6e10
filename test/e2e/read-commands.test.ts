/**
 * explain, list-workloads and list-images against the real servers, through a URL (the cached
 * gitdir) and through a local working copy read in place; their exit codes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployment, startWorld, type World } from './harness.js';

describe('explain, list-workloads, list-images', () => {
  let world: World;
  before(async () => {
    world = await startWorld((host) => ({
      'apps/api.yaml': {
        content: deployment('api', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.api': 'semver:~1.4',
        }),
      },
      'apps/locked.yaml': {
        content: deployment('locked', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/locked': 'true',
          'tagpilot.io/locked_user': 'ann',
        }),
      },
      'apps/bad.yaml': {
        content: deployment('bad', `${host}/acme/api:1.4.2`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.bad': 'semver:>>nope',
        }),
      },
    }));
    await world.push('acme/api', ['1.4.2', '1.4.3', '1.4.10', '1.5.0', 'latest']);
  });
  after(async () => {
    await world.stop();
  });

  it('explain names the policy, candidates, winner, runner-up and reason', async () => {
    const result = await world.cli(['explain', 'prod:deployment/api']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /policy: +semver:~1\.4 from tagpilot\.io\/tag\.api/);
    assert.match(
      result.stdout,
      /candidates: 5 tag\(s\) seen, 3 accepted; best first: 1\.4\.10, 1\.4\.3, 1\.4\.2/,
    );
    assert.match(result.stdout, /winner: +1\.4\.10/);
    assert.match(result.stdout, /runner-up: +1\.4\.3/);
    assert.match(result.stdout, /decision: +update -> 127\.0\.0\.1:\d+\/acme\/api:1\.4\.10/);
    const json = await world.cli([
      'explain',
      'prod:deployment/api',
      '--container',
      'api',
      '-o',
      'json',
    ]);
    const parsed = JSON.parse(json.stdout) as { winner: string; semantics: string }[];
    const [first] = parsed;
    assert.ok(first);
    assert.equal(first.winner, '1.4.10');
    assert.equal(first.semantics, 'tagpilot');
  });

  it('explain exits 1 for a bad policy and 2 for an unknown workload or container', async () => {
    const bad = await world.cli(['explain', 'prod:deployment/bad']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /POLICY_INVALID/);
    assert.equal((await world.cli(['explain', 'prod:deployment/nope'])).code, 2);
    assert.equal((await world.cli(['explain', 'prod:deployment/api', '--container', 'x'])).code, 2);
    assert.equal((await world.cli(['explain', 'not a workload'])).code, 2);
  });

  it('list-workloads shows status without touching the registry', async () => {
    const before = (await world.registry.clientRequests()).length;
    const result = await world.cli(['list-workloads', '-o', 'json']);
    assert.equal(result.code, 1, 'the bad policy is something to report');
    const { workloads } = JSON.parse(result.stdout) as {
      workloads: { workload: string; status: string }[];
    };
    assert.deepEqual(
      workloads.map((w) => [w.workload, w.status]),
      [
        ['prod:deployment/api', 'automated'],
        ['prod:deployment/bad', 'error'],
        ['prod:deployment/locked', 'locked'],
      ],
    );
    assert.equal((await world.registry.clientRequests()).length, before);
    const yaml = await world.cli(['list-workloads', '-o', 'yaml']);
    assert.match(yaml.stdout, /workload: prod:deployment\/api/);
  });

  it('list-images shows available tags best first and the next decision', async () => {
    const result = await world.cli(['list-images', 'prod:deployment/api']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^api +127\.0\.0\.1:\d+\/acme\/api:1\.4\.2 +update +\S+:1\.4\.10 +1\.4\.10, 1\.4\.3, 1\.4\.2$/m,
    );
    const locked = await world.cli(['list-images', 'prod:deployment/locked', '-o', 'json']);
    assert.equal((JSON.parse(locked.stdout) as { decision: string }[])[0]?.decision, 'locked');
  });

  it('reads a local working copy in place, uncommitted edits included', async () => {
    const dir = await world.clone();
    const file = path.join(dir, 'apps/api.yaml');
    await writeFile(
      file,
      deployment('api', `${world.host}/acme/api:1.4.2`, {
        'tagpilot.io/automated': 'true',
        'tagpilot.io/tag.api': 'semver:1.4.3',
      }),
    );
    const result = await world.cli(['plan', '--repo', dir, '--exit-code']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /^\+ +image: \S+\/acme\/api:1\.4\.3 # keep this comment$/m);
    const listed = await world.cli(['list-workloads', '--repo', dir, '-o', 'json']);
    assert.match(listed.stdout, /prod:deployment\/api/);
  });

  it('usage errors exit 2: no repository, a path that does not exist', async () => {
    assert.equal((await world.cli(['plan', '--repo', path.join(world.root, 'missing')])).code, 2);
    assert.equal(
      (await world.cli(['run', '--once', '--repo', world.root])).code,
      2,
      'run needs a URL',
    );
  });
});
