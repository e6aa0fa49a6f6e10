import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

describe('tagpilot run', () => {
  it('--help exits 0 and documents the exit codes', async () => {
    const result = await runCli(['run', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot run/);
    assert.match(result.stdout, /Exit codes/);
  });

  it('exits 2 when no repository is configured or given', async () => {
    const result = await runCli(['run', '--once']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no repository: give --repo/);
  });

  it('exits 2 for a --repo that is neither a URL nor a directory', async () => {
    const result = await runCli(['run', '--once', '--repo', './does-not-exist']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /neither a URL nor an existing directory/);
  });
  it('exits 2 for a local path: run pushes and needs a URL', async () => {
    const result = await runCli(['run', '--once', '--repo', '.']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /needs a Git URL/);
  });
});
