import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

describe('tagpilot resume', () => {
  it('--help exits 0 and documents the exit codes', async () => {
    const result = await runCli(['resume', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot resume/);
    assert.match(result.stdout, /Exit codes/);
  });

  it('exits 2 without a repository', async () => {
    assert.equal((await runCli(['resume'])).code, 2);
  });
});
