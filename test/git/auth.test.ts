import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  basicAuthorization,
  conventionalUsername,
  displayUrl,
  httpsCredentials,
  parseTokenFile,
} from '../../src/git/auth.js';
import { GitConfigError } from '../../src/git/errors.js';

describe('HTTPS token conventions', () => {
  it('picks the user name each host expects with a token', () => {
    const cases: [string, string | undefined][] = [
      ['github.com', 'x-access-token'],
      ['acme.ghe.com', 'x-access-token'],
      ['gitlab.com', 'oauth2'],
      ['bitbucket.org', 'x-token-auth'],
      ['dev.azure.com', 'tagpilot'],
      ['acme.visualstudio.com', 'tagpilot'],
      ['git.example.com', undefined],
    ];
    for (const [host, user] of cases) assert.equal(conventionalUsername(host), user, host);
  });

  it('lets a configured user name win and requires one for unknown hosts', () => {
    assert.deepEqual(httpsCredentials('https://github.com/o/r.git', 'tok', 'me'), {
      username: 'me',
      password: 'tok',
    });
    assert.deepEqual(httpsCredentials('https://gitlab.com/o/r.git', 'tok', undefined), {
      username: 'oauth2',
      password: 'tok',
    });
    assert.throws(
      () => httpsCredentials('https://git.example.com/o/r.git', 'tok', undefined),
      (error: unknown) =>
        error instanceof GitConfigError &&
        /git\.username is required for git\.example\.com/.test(error.message),
    );
  });

  it('encodes Basic credentials', () => {
    assert.equal(
      basicAuthorization({ username: 'x-access-token', password: 'ghs_abc' }),
      `Basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    );
  });

  it('reads the first line of a token file and refuses an empty one', () => {
    assert.equal(parseTokenFile('ghs_abc\n', '/t'), 'ghs_abc');
    assert.equal(parseTokenFile('  ghs_abc  \r\nrest', '/t'), 'ghs_abc');
    assert.throws(() => parseTokenFile('\n', '/t'), GitConfigError);
  });

  it('strips credentials from URLs shown to people', () => {
    assert.equal(
      displayUrl('https://u:secret@github.com/o/r.git?x=1'),
      'https://github.com/o/r.git',
    );
    assert.equal(displayUrl('git@github.com:o/r.git'), 'git@github.com:o/r.git');
  });
});
