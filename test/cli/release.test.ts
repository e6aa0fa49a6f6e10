import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

describe('tagpilot release', () => {
  it('--help exits 0 and documents the exit codes', async () => {
    const result = await runCli(['release', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot release/);
    assert.match(result.stdout, /Exit codes/);
  });

  it('exits 2 without --update-image or with a bad reference', async () => {
    assert.equal((await runCli(['release', 'x:deployment/a'])).code, 2);
    const bad = await runCli(['release', 'x:deployment/a', '--update-image', 'Bad:Ref']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid image reference/);
    assert.match(
      (await runCli(['release', 'x:deployment/a', '--update-image', 'nginx'])).stderr,
      /give a tag or a digest/,
    );
  });
});
