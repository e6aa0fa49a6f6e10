import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forgeCommitUrl } from '../../src/server/index.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('forgeCommitUrl', () => {
  it('links commits on the forges whose commit pages follow from the URL', () => {
    const cases: [string, string | null][] = [
      ['https://github.com/Acme/deploy.git', `https://github.com/Acme/deploy/commit/${SHA}`],
      ['git@github.com:Acme/deploy.git', `https://github.com/Acme/deploy/commit/${SHA}`],
      ['ssh://git@github.com:22/acme/deploy', `https://github.com/acme/deploy/commit/${SHA}`],
      [
        'https://x-access-token:ghp_secret@github.com/acme/deploy.git',
        `https://github.com/acme/deploy/commit/${SHA}`,
      ],
      ['https://gitlab.com/group/sub/app.git', `https://gitlab.com/group/sub/app/-/commit/${SHA}`],
      ['git@gitlab.example.com:ops/app.git', `https://gitlab.example.com/ops/app/-/commit/${SHA}`],
      ['https://bitbucket.org/team/app.git', `https://bitbucket.org/team/app/commits/${SHA}`],
      ['https://codeberg.org/me/app.git', `https://codeberg.org/me/app/commit/${SHA}`],
      ['http://127.0.0.1:8080/gitops.git', null],
      ['https://git.example.com/acme/deploy.git', null],
      ['/srv/git/deploy.git', null],
      ['https://github.com/acme', null],
      ['https://github.com/acme/a"><script>/x', null],
    ];
    for (const [url, expected] of cases) assert.equal(forgeCommitUrl(url, SHA), expected, url);
  });

  it('never links something that is not a commit id', () => {
    assert.equal(forgeCommitUrl('https://github.com/acme/deploy.git', 'main'), null);
    assert.equal(forgeCommitUrl('https://github.com/acme/deploy.git', '../../x'), null);
  });
});
