/**
 * policy, release, suspend and resume: each a commit on the real Git server, seen by the next
 * cycle; their exit codes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gitCli } from '../support/git/repos.js';
import { deployment, startWorld, type World } from './harness.js';

interface Summary {
  outcome: string;
  held: number;
  locked: number;
  pending: number;
  suspended: boolean;
}

describe('policy, release, suspend, resume', () => {
  let world: World;
  before(async () => {
    world = await startWorld((host) => ({
      'apps/api.yaml': {
        content: deployment('api', `${host}/acme/api:1.0.0`, {
          'tagpilot.io/automated': 'true',
          'tagpilot.io/tag.api': 'semver:*',
        }),
      },
      'apps/manual.yaml': { content: deployment('manual', `${host}/acme/api:1.0.0`, {}) },
    }));
    await world.push('acme/api', ['1.0.0', '1.1.0', '1.2.0']);
  });
  after(async () => {
    await world.stop();
  });

  const run = async (): Promise<Summary> =>
    JSON.parse((await world.cli(['run', '--once', '-o', 'json'])).stdout) as Summary;

  it('lock: committed with author and message; the cycle leaves the workload alone', async () => {
    const result = await world.cli([
      'policy',
      'prod:deployment/api',
      '--lock',
      '--user',
      'Ann <ann@example.com>',
      '--message',
      'incident 42',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^committed [0-9a-f]{12}: lock prod:deployment\/api/);
    const api = await world.file('apps/api.yaml');
    assert.match(api, /tagpilot\.io\/locked: "true"/);
    assert.match(api, /tagpilot\.io\/locked_user: (["']?)Ann <ann@example\.com>\1/);
    const author = await gitCli(['log', '-1', '--format=%an <%ae>%n%B', 'main'], world.bare);
    assert.match(
      author,
      /^Ann <ann@example\.com>\nchore\(policy\): lock prod:deployment\/api\n\nincident 42\n\nTagpilot-Policy: /,
    );
    const summary = await run();
    assert.equal(summary.locked, 1);
    assert.equal(summary.outcome, 'no-change');
  });

  it('release: sets an image by hand; locked needs --force (exit 1 without)', async () => {
    const refused = await world.cli([
      'release',
      'prod:deployment/api',
      '--update-image',
      `${world.host}/acme/api:1.1.0`,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /locked by Ann/);
    const forced = await world.cli([
      'release',
      'prod:deployment/api',
      '--update-image',
      `${world.host}/acme/api:1.1.0`,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.1\.0 # keep this comment/);
    const wrong = await world.cli([
      'release',
      'prod:deployment/api',
      '--update-image',
      `${world.host}/acme/other:1.0.0`,
    ]);
    assert.equal(wrong.code, 2);
    assert.equal(
      (await world.cli(['release', 'prod:deployment/api', '--update-image', 'Bad:Ref'])).code,
      2,
    );
  });

  it('unlock, then a rollback hold released by unlock', async () => {
    assert.equal((await world.cli(['policy', 'prod:deployment/api', '--unlock'])).code, 0);
    assert.doesNotMatch(await world.file('apps/api.yaml'), /locked/);
    assert.equal((await run()).outcome, 'committed'); // 1.1.0 → 1.2.0 by tagpilot
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.2\.0/);
    // A person rolls back with release: held, not re-upgraded.
    assert.equal(
      (
        await world.cli([
          'release',
          'prod:deployment/api',
          '--update-image',
          `${world.host}/acme/api:1.0.0`,
        ])
      ).code,
      0,
    );
    assert.equal((await run()).held, 1);
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.0\.0/);
    const unlock = await world.cli(['policy', 'prod:deployment/api', '--unlock']);
    assert.equal(unlock.code, 0, unlock.stderr);
    assert.match(unlock.stdout, /released holds: prod:deployment\/api\/api/);
    assert.match(
      await world.file('.tagpilot.yaml'),
      /releasedHolds:\n {2}prod:deployment\/api\/api: 1\.2\.0/,
    );
    assert.equal((await run()).outcome, 'committed');
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.2\.0/);
  });

  it('automate and --tag on a manual workload; bad policy and contradicting flags exit 2', async () => {
    const result = await world.cli([
      'policy',
      'prod:deployment/manual',
      '--automate',
      '--tag',
      'manual=semver:~1.1',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const manual = await world.file('apps/manual.yaml');
    assert.match(manual, /tagpilot\.io\/automated: "true"/);
    assert.match(manual, /tagpilot\.io\/tag\.manual: semver:~1\.1/);
    assert.equal(
      (await world.cli(['policy', 'prod:deployment/manual', '--tag', 'manual=semver:>>'])).code,
      2,
    );
    assert.equal(
      (await world.cli(['policy', 'prod:deployment/manual', '--lock', '--unlock'])).code,
      2,
    );
    assert.equal((await world.cli(['policy', 'prod:deployment/manual'])).code, 2);
    assert.equal((await world.cli(['policy', 'prod:deployment/nope', '--lock'])).code, 2);
  });

  it('suspend stops writes (plan still works); resume restores them', async () => {
    await world.push('acme/api', ['1.3.0']);
    const suspended = await world.cli(['suspend', '--message', 'release freeze']);
    assert.equal(suspended.code, 0, suspended.stderr);
    assert.match(await world.file('.tagpilot.yaml'), /suspend:\n {2}by: .*\n/);
    assert.equal((await world.cli(['suspend'])).stdout, 'nothing to change: already suspended\n');
    const summary = await run();
    assert.equal(summary.outcome, 'suspended');
    assert.ok(summary.pending >= 1);
    const plan = await world.cli(['plan', '--exit-code']);
    assert.equal(plan.code, 3);
    assert.match(plan.stdout, /automation is suspended/);
    assert.equal((await world.cli(['resume'])).code, 0);
    assert.equal((await run()).outcome, 'committed');
    assert.match(await world.file('apps/api.yaml'), /acme\/api:1\.3\.0/);
  });
});
