import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GitUrlInvalid,
  parseGitUrl,
  parseSshUrl,
  PSEUDO_HTTP_BASE,
  remoteCommand,
  shellQuote,
} from '../../../src/git/transport/ssh/index.js';

describe('parseSshUrl: the URL forms git accepts (git-clone(1) "GIT URLS")', () => {
  // url, user, host, port, path
  const cases: [string, string | undefined, string, number | undefined, string][] = [
    ['ssh://git@github.com/org/repo.git', 'git', 'github.com', undefined, '/org/repo.git'],
    ['ssh://git@example.com:2222/srv/repo.git', 'git', 'example.com', 2222, '/srv/repo.git'],
    ['ssh://example.com/repo', undefined, 'example.com', undefined, '/repo'],
    ['git+ssh://git@host/x.git', 'git', 'host', undefined, '/x.git'],
    ['ssh+git://git@host/x.git', 'git', 'host', undefined, '/x.git'],
    ['ssh://git@host/~alice/repo.git', 'git', 'host', undefined, '~alice/repo.git'],
    ['ssh://git@[::1]:2200/repo.git', 'git', '::1', 2200, '/repo.git'],
    ['ssh://user@name@host/repo', 'user@name', 'host', undefined, '/repo'],
    ['git@github.com:org/repo.git', 'git', 'github.com', undefined, 'org/repo.git'],
    ['github.com:org/repo.git', undefined, 'github.com', undefined, 'org/repo.git'],
    ['git@host:/abs/path.git', 'git', 'host', undefined, '/abs/path.git'],
    ['git@[fe80::1]:repo.git', 'git', 'fe80::1', undefined, 'repo.git'],
    ['git@host:~/repo.git', 'git', 'host', undefined, '~/repo.git'],
  ];
  for (const [url, user, host, port, path] of cases) {
    it(`${url} → ${user ?? '(no user)'} @ ${host} : ${port ?? 'default'} ${path}`, () => {
      const remote = parseSshUrl(url);
      assert.deepEqual(
        { user: remote.user, host: remote.host, port: remote.port, path: remote.path },
        { user, host, port, path },
      );
    });
  }

  const bad: [string, RegExp][] = [
    ['git://host/repo.git', /unsupported git URL scheme "git"/],
    ['file:///srv/repo.git', /unsupported git URL scheme "file"/],
    ['/srv/repo.git', /not a remote git URL/],
    ['./a:b', /not a remote git URL/],
    ['ssh://host', /no repository path/],
    ['ssh://host:99999/x', /bad port/],
    ['ssh://host:22x/x', /bad port/],
    ['ssh://-oProxyCommand=evil/x', /strange host/],
    ['-oProxyCommand=evil:repo', /strange host/],
    ['git@host:-upload-pack', /strange path/],
    ['ssh://@host/x', /empty user/],
    ['git@host:repo\nrm -rf /', /control characters/],
    ['host:', /no repository path/],
  ];
  for (const [url, message] of bad) {
    it(`refuses ${JSON.stringify(url)}`, () => {
      assert.throws(
        () => parseSshUrl(url),
        (error: unknown) => {
          assert.ok(error instanceof GitUrlInvalid);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('parseGitUrl', () => {
  it('passes https URLs through untouched', () => {
    assert.deepEqual(parseGitUrl('https://github.com/org/repo.git'), {
      transport: 'http',
      url: 'https://github.com/org/repo.git',
    });
  });

  it('gives SSH remotes a distinct pseudo https URL on an unresolvable host', () => {
    const pseudo = (url: string): { httpUrl: string } => {
      const parsed = parseGitUrl(url);
      if (parsed.transport !== 'ssh') throw new Error(`${url} parsed as ${parsed.transport}`);
      return parsed;
    };
    const a = pseudo('git@github.com:org/a.git');
    const b = pseudo('git@github.com:org/b.git');
    const abs = pseudo('ssh://git@github.com/org/a.git');
    assert.ok(a.httpUrl.startsWith(PSEUDO_HTTP_BASE));
    assert.equal(new URL(a.httpUrl).hostname, 'ssh.invalid');
    assert.equal(new Set([a.httpUrl, b.httpUrl, abs.httpUrl]).size, 3);
    // No user info in the pseudo URL: isomorphic-git would turn it into a Basic auth header.
    assert.equal(new URL(a.httpUrl).username, '');
  });
});

describe('shellQuote / remoteCommand: git sq_quote_buf rules', () => {
  const cases: [string, string][] = [
    ['org/repo.git', "'org/repo.git'"],
    ["it's", "'it'\\''s'"],
    ['wow!', "'wow'\\!''"],
    ['$(rm -rf /) `x` ; | & > "q"', '\'$(rm -rf /) `x` ; | & > "q"\''],
    ['', "''"],
  ];
  for (const [input, quoted] of cases) {
    it(`${JSON.stringify(input)} → ${quoted}`, () => {
      assert.equal(shellQuote(input), quoted);
    });
  }

  it('is undone by a real POSIX shell to the original bytes', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const value = 'a \'b\' "c" $HOME `id` !x \\ ;|&<>*?[] ~';
    const { stdout } = await promisify(execFile)('sh', ['-c', `printf %s ${shellQuote(value)}`]);
    assert.equal(stdout, value);
  });

  it('builds the service command line', () => {
    assert.equal(remoteCommand('git-receive-pack', "o'k.git"), "git-receive-pack 'o'\\''k.git'");
  });
});
