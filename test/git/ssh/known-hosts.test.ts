import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  checkHostKey,
  fingerprint,
  parseKnownHosts,
} from '../../../src/git/transport/ssh/index.js';
import { entryMatchesHost, knownHostsName } from '../../../src/git/transport/ssh/known-hosts.js';

const run = promisify(execFile);

describe('known_hosts host patterns (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT)', () => {
  const cases: [string, string, number, boolean][] = [
    ['github.com', 'github.com', 22, true],
    ['GitHub.com', 'github.COM', 22, true],
    ['github.com', 'github.com', 2222, false],
    ['[github.com]:2222', 'github.com', 2222, true],
    ['[github.com]:2222', 'github.com', 22, false],
    ['a.com,github.com,b.com', 'github.com', 22, true],
    ['*.example.com', 'git.example.com', 22, true],
    ['*.example.com', 'example.com', 22, false],
    ['git?.example.com', 'git1.example.com', 22, true],
    ['git?.example.com', 'git12.example.com', 22, false],
    ['*.example.com,!evil.example.com', 'evil.example.com', 22, false],
    ['*.example.com,!evil.example.com', 'good.example.com', 22, true],
    ['[*.example.com]:*', 'x.example.com', 2200, true],
    ['gith.b.com', 'github.com', 22, false], // '.' is literal, not a regex wildcard
  ];
  for (const [patterns, host, port, expected] of cases) {
    it(`${patterns} ${expected ? 'matches' : 'does not match'} ${host}:${port}`, () => {
      assert.equal(entryMatchesHost(patterns, knownHostsName(host, port)), expected);
    });
  }
});

describe('checkHostKey against files made by ssh-keygen', () => {
  let dir: string;
  let keyA: string; // "ssh-ed25519 AAAA..."
  let keyB: string;
  let keyRsa: string;
  const blob = (line: string): Buffer => Buffer.from(line.split(' ')[1] ?? '', 'base64');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tagpilot-kh-'));
    const make = async (name: string, type: string): Promise<string> => {
      await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', join(dir, name)]);
      return (await readFile(join(dir, `${name}.pub`), 'utf8')).split(' ').slice(0, 2).join(' ');
    };
    [keyA, keyB, keyRsa] = await Promise.all([
      make('a', 'ed25519'),
      make('b', 'ed25519'),
      make('r', 'rsa'),
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trusts the listed key, reports a different one as a mismatch with the line', () => {
    const kh = parseKnownHosts(`# comment\n\ngit.example.com ${keyA}\n`, 'kh');
    assert.deepEqual(checkHostKey(kh, 'git.example.com', 22, blob(keyA)), {
      kind: 'trusted',
      line: 3,
    });
    assert.deepEqual(checkHostKey(kh, 'git.example.com', 22, blob(keyB)), {
      kind: 'mismatch',
      knownTypes: ['ssh-ed25519'],
      lines: [3],
    });
    assert.deepEqual(checkHostKey(kh, 'other.example.com', 22, blob(keyA)), { kind: 'unknown' });
  });

  it('matches hashed names written by ssh-keygen -H, for port 22 and [host]:port', async () => {
    const file = join(dir, 'hashed');
    await writeFile(file, `git.example.com ${keyA}\n[git.example.com]:2222 ${keyB}\n`);
    await run('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /example/);
    const kh = parseKnownHosts(text, file);
    assert.equal(checkHostKey(kh, 'git.example.com', 22, blob(keyA)).kind, 'trusted');
    assert.equal(checkHostKey(kh, 'GIT.example.com', 2222, blob(keyB)).kind, 'trusted');
    assert.equal(checkHostKey(kh, 'git.example.com', 2222, blob(keyA)).kind, 'mismatch');
    assert.equal(checkHostKey(kh, 'git.example.org', 22, blob(keyA)).kind, 'unknown');
  });

  it('refuses @revoked keys whatever the host line, and never trusts @cert-authority lines', () => {
    const kh = parseKnownHosts(
      `git.example.com ${keyA}\n@revoked * ${keyA}\n@cert-authority *.example.com ${keyB}\n`,
      'kh',
    );
    assert.deepEqual(checkHostKey(kh, 'git.example.com', 22, blob(keyA)), {
      kind: 'revoked',
      line: 2,
    });
    assert.equal(checkHostKey(kh, 'x.example.com', 22, blob(keyB)).kind, 'unknown');
  });

  it('skips malformed lines (bad base64, type field not matching the blob, too few fields)', () => {
    const kh = parseKnownHosts(
      [
        `git.example.com ssh-rsa ${keyA.split(' ')[1] ?? ''}`,
        'git.example.com ssh-ed25519 !!!notbase64',
        'git.example.com ssh-ed25519',
        `@bogus git.example.com ${keyA}`,
        `git.example.com ${keyRsa}`,
      ].join('\n'),
      'kh',
    );
    assert.equal(kh.entries.length, 1);
    assert.equal(kh.entries[0]?.keyType, 'ssh-rsa');
    assert.equal(kh.entries[0].line, 5);
  });

  it('prints fingerprints as ssh-keygen -l does', async () => {
    const { stdout } = await run('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')]);
    assert.equal(fingerprint(blob(keyA)), stdout.split(' ')[1]);
  });
});
