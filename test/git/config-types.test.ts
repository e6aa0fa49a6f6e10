import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { GitSettings } from '../../src/git/index.js';

describe('git config section', () => {
  it('feeds openGitStoreFromConfig as parsed (types and defaults)', () => {
    const config = configSchema.parse({
      repositories: [{ url: 'https://github.com/o/r.git' }],
      git: { pushBranch: 'tagpilot/updates', lockTimeout: '30s', depth: 0 },
    }) as unknown as Config;
    // Compile-time: the frozen Config's git section is what the factory takes.
    const settings: GitSettings = config.git;
    assert.equal(settings.pushBranch, 'tagpilot/updates');
    assert.equal(settings.lockTimeout, 30_000);
    assert.equal(settings.depth, 0);
    assert.equal(settings.logScanLimit, 2000);
    assert.equal(settings.deepenStep, 50);
  });

  it('refuses a bot branch name git would refuse', () => {
    for (const bad of ['../x', '/x', 'x/', 'a..b', 'a b']) {
      assert.equal(
        configSchema.safeParse({ repositories: [], git: { pushBranch: bad } }).success,
        false,
        bad,
      );
    }
  });
});
