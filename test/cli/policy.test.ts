import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

describe('tagpilot policy', () => {
  it('--help exits 0 and documents the exit codes', async () => {
    const result = await runCli(['policy', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot policy/);
    assert.match(result.stdout, /Exit codes/);
  });

  it('exits 2 when no action is given or actions contradict (before any Git access)', async () => {
    assert.match((await runCli(['policy', 'prod:deployment/api'])).stderr, /nothing to do/);
    assert.equal((await runCli(['policy', 'prod:deployment/api', '--lock', '--unlock'])).code, 2);
    assert.equal(
      (await runCli(['policy', 'prod:deployment/api', '--automate', '--deautomate'])).code,
      2,
    );
  });

  it('exits 2 for a malformed --tag or an invalid policy', async () => {
    assert.match(
      (await runCli(['policy', 'x:deployment/a', '--tag', 'api'])).stderr,
      /expected <container>=<policy>/,
    );
    const bad = await runCli(['policy', 'x:deployment/a', '--tag', 'api=semver:>>']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tagpilot\.io\/tag\.api/);
  });

  it('exits 2 for a local path: changes are commits pushed to a URL', async () => {
    const result = await runCli(['policy', 'x:deployment/a', '--lock', '--repo', '.']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /local path/);
  });
});
