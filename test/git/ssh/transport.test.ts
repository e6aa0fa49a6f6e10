/**
 * The SSH transport against Debian's real sshd (test/support/sshd) with git-shell forced
 * commands: isomorphic-git clone, fetch, getRemoteInfo2, listServerRefs and push through
 * createSshHttpClient, with every key type, an encrypted key, plain and hashed known_hosts, and
 * refused hosts. Results are read back with the git CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import git from 'isomorphic-git';
import {
  createSshHttpClient,
  fingerprint,
  GitUrlInvalid,
  SshConnectionFailed,
  SshAuthFailed,
  SshHostKeyMismatch,
  SshHostKeyUnknown,
  SshKeyInvalid,
  SshRemoteCommandFailed,
  type SshHttpClient,
  type SshTransportOptions,
} from '../../../src/git/transport/ssh/index.js';
import { makeKey, startSshd, type KeyPair, type Sshd } from '../../support/sshd/sshd.js';

const run = promisify(execFile);
const AUTHOR = {
  name: 'Tag Pilot',
  email: 'bot@example.test',
  timestamp: 1_700_000_000,
  timezoneOffset: 0,
};

function mainOf(info: { refs?: { ref: string; oid: string }[] }): string | undefined {
  return info.refs?.find((r) => r.ref === 'refs/heads/main')?.oid;
}

async function gitOut(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, cwd === undefined ? {} : { cwd });
  return stdout.trim();
}

describe('SSH transport against OpenSSH sshd', () => {
  let sshd: Sshd;
  let work: string;
  let bare: string;
  let knownHosts: string;
  const keys: Record<string, KeyPair> = {};
  const clients: SshHttpClient[] = [];

  before(async () => {
    sshd = await startSshd();
    work = await mkdtemp(join(tmpdir(), 'tagpilot-ssh-test-'));
    keys.ed25519 = await makeKey(work, 'id_ed25519', 'ed25519');
    keys.ecdsa = await makeKey(work, 'id_ecdsa', 'ecdsa');
    keys.rsa = await makeKey(work, 'id_rsa', 'rsa');
    keys.ecdsa521 = await makeKey(work, 'id_ecdsa521', 'ecdsa521');
    keys.encrypted = await makeKey(work, 'id_encrypted', 'ed25519', 'correct horse battery');
    keys.stranger = await makeKey(work, 'id_stranger', 'ed25519');
    for (const name of ['ed25519', 'ecdsa', 'ecdsa521', 'rsa', 'encrypted'])
      await sshd.authorize(keys[name]!.publicLine);
    await writeFile(join(work, 'passphrase'), 'correct horse battery\n');
    await writeFile(join(work, 'wrong-passphrase'), 'incorrect horse\n');
    knownHosts = join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.hostKeyLines.join('\n')}\n`);

    // A bare repository with two commits on main, made by the git CLI.
    bare = join(work, "it's a repo.git");
    const seed = join(work, 'seed');
    await gitOut(['init', '-q', '--bare', '-b', 'main', bare]);
    await gitOut(['init', '-q', '-b', 'main', seed]);
    await writeFile(join(seed, 'deploy.yaml'), 'image: app:1.0.0\n');
    await gitOut(['-c', 'user.name=seed', '-c', 'user.email=s@x', 'add', '.'], seed);
    await gitOut(['-c', 'user.name=seed', '-c', 'user.email=s@x', 'commit', '-qm', 'one'], seed);
    await writeFile(join(seed, 'other.yaml'), 'image: other:2.0.0\n');
    await gitOut(['-c', 'user.name=seed', '-c', 'user.email=s@x', 'add', '.'], seed);
    await gitOut(['-c', 'user.name=seed', '-c', 'user.email=s@x', 'commit', '-qm', 'two'], seed);
    await gitOut(['push', '-q', bare, 'main'], seed);
  });

  after(async () => {
    for (const client of clients) client.close();
    await sshd.stop();
    await rm(work, { recursive: true, force: true });
  });

  function client(overrides: Partial<SshTransportOptions> = {}): SshHttpClient {
    const made = createSshHttpClient(
      {
        url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${bare}`,
        keyFile: keys.ed25519!.privateFile,
        knownHostsFile: knownHosts,
        connectTimeoutMs: 10_000,
        ...overrides,
      },
      { readFile: (path) => readFile(path) },
    );
    clients.push(made);
    return made;
  }

  async function remoteHead(): Promise<string> {
    return gitOut(['--git-dir', bare, 'rev-parse', 'refs/heads/main']);
  }

  function acceptedLogins(): number {
    return sshd.log().split('Accepted publickey').length - 1;
  }

  it('clones with an ed25519 key over ssh:// (quoted path with a quote and a space)', async () => {
    const http = client();
    const dir = await mkdtemp(join(work, 'clone-'));
    await git.clone({
      fs,
      http,
      dir,
      url: http.url,
      ref: 'main',
      singleBranch: true,
      noTags: true,
    });
    assert.equal(await git.resolveRef({ fs, dir, ref: 'HEAD' }), await remoteHead());
    assert.equal(await readFile(join(dir, 'deploy.yaml'), 'utf8'), 'image: app:1.0.0\n');
    http.close();
  });

  it('reads the ref advertisement with getRemoteInfo2 in protocol v1 and v2', async () => {
    const http = client();
    const v1 = await git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 });
    assert.equal(v1.protocolVersion, 1);
    assert.equal(mainOf(v1), await remoteHead());
    // v2 only when the server accepted GIT_PROTOCOL (our sshd has AcceptEnv GIT_PROTOCOL).
    const v2 = await git.getRemoteInfo2({ http, url: http.url });
    assert.equal(v2.protocolVersion, 2);
    assert.ok('ls-refs' in v2.capabilities, JSON.stringify(v2.capabilities));
    // v2 ls-refs is a POST after the GET: exercises the command exchange over the same process.
    const refs = await git.listServerRefs({ http, url: http.url, prefix: 'refs/heads/' });
    assert.deepEqual(refs, [{ ref: 'refs/heads/main', oid: await remoteHead() }]);
    // Without forwarding, the server answers v0 even though v2 was asked for.
    const plain = client({ forwardProtocolVersion: false });
    assert.equal((await git.getRemoteInfo2({ http: plain, url: plain.url })).protocolVersion, 1);
    // Push discovery (receive-pack has no v2) parses as v1 whatever was asked for.
    const push = await git.getRemoteInfo2({ http, url: http.url, forPush: true });
    assert.equal(push.protocolVersion, 1);
    assert.ok(push.capabilities['report-status']);
    http.close();
    plain.close();
  });

  it('shallow-clones, fetches a new remote commit, commits and pushes it back', async () => {
    const logins = acceptedLogins();
    const http = client();
    const dir = await mkdtemp(join(work, 'push-'));
    await git.clone({
      fs,
      http,
      dir,
      url: http.url,
      ref: 'main',
      singleBranch: true,
      noTags: true,
      depth: 1,
    });
    assert.equal(await gitOut(['rev-list', '--count', 'HEAD'], dir), '1');

    // Someone else pushes with the git CLI; an incremental fetch over SSH picks it up.
    const other = join(work, 'other-writer');
    await gitOut(['clone', '-q', bare, other]);
    await writeFile(join(other, 'third.yaml'), 'image: third:3.0.0\n');
    await gitOut(['-c', 'user.name=o', '-c', 'user.email=o@x', 'add', '.'], other);
    await gitOut(['-c', 'user.name=o', '-c', 'user.email=o@x', 'commit', '-qm', 'three'], other);
    await gitOut(['push', '-q', 'origin', 'main'], other);
    const fetched = await git.fetch({
      fs,
      http,
      dir,
      url: http.url,
      ref: 'main',
      singleBranch: true,
      tags: false,
    });
    assert.equal(fetched.fetchHead, await remoteHead());
    await git.merge({
      fs,
      dir,
      ours: 'main',
      theirs: 'refs/remotes/origin/main',
      fastForwardOnly: true,
    });
    await git.checkout({ fs, dir, ref: 'main' });

    await writeFile(join(dir, 'deploy.yaml'), 'image: app:1.1.0\n');
    await git.add({ fs, dir, filepath: 'deploy.yaml' });
    const oid = await git.commit({ fs, dir, message: 'bump app to 1.1.0', author: AUTHOR });
    const result = await git.push({ fs, http, dir, url: http.url, ref: 'main' });
    assert.equal(result.ok, true);
    assert.equal(await remoteHead(), oid);
    assert.equal(await gitOut(['--git-dir', bare, 'show', 'main:deploy.yaml']), 'image: app:1.1.0');
    await gitOut(['--git-dir', bare, 'fsck', '--full', '--strict']);
    // clone, fetch and push (five exec channels) shared one SSH connection.
    assert.equal(acceptedLogins(), logins + 1);
    // After close() the next request connects again.
    http.close();
    await git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 });
    assert.equal(acceptedLogins(), logins + 2);
    http.close();
  });

  for (const [name, extra] of [
    ['ECDSA', { keyFile: 'ecdsa' }],
    ['ECDSA P-521', { keyFile: 'ecdsa521' }],
    ['RSA', { keyFile: 'rsa' }],
    [
      'encrypted ed25519 with a passphrase file',
      { keyFile: 'encrypted', passphraseFile: 'passphrase' },
    ],
  ] as const) {
    it(`authenticates with an ${name} key`, async () => {
      const secrets: string[] = [];
      const http = createSshHttpClient(
        {
          url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${bare}`,
          keyFile: keys[extra.keyFile]!.privateFile,
          knownHostsFile: knownHosts,
          ...('passphraseFile' in extra
            ? { passphraseFile: join(work, extra.passphraseFile) }
            : {}),
        },
        { readFile: (path) => readFile(path), onSecret: (s) => secrets.push(s) },
      );
      clients.push(http);
      const info = await git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 });
      assert.equal(mainOf(info), await remoteHead());
      assert.deepEqual(secrets, 'passphraseFile' in extra ? ['correct horse battery'] : []);
      http.close();
    });
  }

  it('refuses an encrypted key without or with a wrong passphrase (typed, names the file)', async () => {
    for (const passphraseFile of [undefined, join(work, 'wrong-passphrase')]) {
      const http = client({ keyFile: keys.encrypted!.privateFile, passphraseFile });
      await assert.rejects(
        git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 }),
        (error: unknown) => {
          assert.ok(error instanceof SshKeyInvalid, String(error));
          assert.match(error.message, /id_encrypted/);
          assert.doesNotMatch(error.message, /horse/);
          return true;
        },
      );
    }
  });

  it('works with an scp-like URL and the port from options', async () => {
    const http = client({ url: `${sshd.user}@127.0.0.1:${bare}`, port: sshd.port });
    const dir = await mkdtemp(join(work, 'scp-'));
    await git.clone({
      fs,
      http,
      dir,
      url: http.url,
      ref: 'main',
      singleBranch: true,
      noTags: true,
      noCheckout: true,
    });
    assert.equal(await git.resolveRef({ fs, dir, ref: 'HEAD' }), await remoteHead());
    http.close();
  });

  it('accepts hashed known_hosts entries (ssh-keygen -H)', async () => {
    const hashed = join(work, 'known_hosts_hashed');
    await writeFile(hashed, `${sshd.hostKeyLines.join('\n')}\n`);
    await run('ssh-keygen', ['-q', '-H', '-f', hashed]);
    const text = await readFile(hashed, 'utf8');
    assert.doesNotMatch(text, /127\.0\.0\.1/);
    assert.match(text, /^\|1\|/m);
    const http = client({ knownHostsFile: hashed });
    const info = await git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 });
    assert.equal(mainOf(info), await remoteHead());
    http.close();
  });

  it('connects when known_hosts lists only the ECDSA host key (asks for that key type)', async () => {
    const onlyEcdsa = join(work, 'known_hosts_ecdsa');
    await writeFile(onlyEcdsa, `[127.0.0.1]:${sshd.port} ${sshd.hostKeys.ecdsa}\n`);
    const http = client({ knownHostsFile: onlyEcdsa });
    const info = await git.getRemoteInfo2({ http, url: http.url, protocolVersion: 1 });
    assert.equal(mainOf(info), await remoteHead());
    http.close();
  });

  it('refuses an unknown host before authenticating: typed error with host and fingerprint', async () => {
    const empty = join(work, 'known_hosts_other');
    // A different host and the same host on port 22 must not count for [127.0.0.1]:port.
    await writeFile(
      empty,
      `127.0.0.1 ${sshd.hostKeys.ed25519}\nexample.com ${sshd.hostKeys.ed25519}\n`,
    );
    const before = acceptedLogins();
    const headBefore = await remoteHead();
    const http = client({ knownHostsFile: empty });
    const dir = await mkdtemp(join(work, 'unknown-'));
    await assert.rejects(
      git.clone({ fs, http, dir, url: http.url, noCheckout: true }),
      (error: unknown) => {
        assert.ok(error instanceof SshHostKeyUnknown, String(error));
        assert.equal(error.host, `[127.0.0.1]:${sshd.port}`);
        assert.ok(
          [sshd.hostKeys.ed25519, sshd.hostKeys.ecdsa].some(
            (line) => fingerprint(Buffer.from(line.split(' ')[1]!, 'base64')) === error.fingerprint,
          ),
        );
        assert.match(error.message, new RegExp(error.fingerprint.replace(/[+/]/g, '\\$&')));
        return true;
      },
    );
    assert.equal(acceptedLogins(), before, 'no login may happen');
    assert.equal(await remoteHead(), headBefore);
  });

  it('refuses a changed host key on push: typed error, nothing sent, remote unchanged', async () => {
    // Clone with the right key first, then push with a known_hosts whose key is another one.
    const good = client();
    const dir = await mkdtemp(join(work, 'mitm-'));
    await git.clone({
      fs,
      http: good,
      dir,
      url: good.url,
      ref: 'main',
      singleBranch: true,
      noTags: true,
    });
    good.close();
    await writeFile(join(dir, 'deploy.yaml'), 'image: app:6.6.6\n');
    await git.add({ fs, dir, filepath: 'deploy.yaml' });
    await git.commit({ fs, dir, message: 'evil', author: AUTHOR });

    const impostor = await makeKey(work, 'impostor_host', 'ed25519');
    const wrong = join(work, 'known_hosts_wrong');
    await writeFile(
      wrong,
      `[127.0.0.1]:${sshd.port} ${impostor.publicLine.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const before = acceptedLogins();
    const headBefore = await remoteHead();
    const http = client({ knownHostsFile: wrong });
    await assert.rejects(
      git.push({ fs, http, dir, url: http.url, ref: 'main' }),
      (error: unknown) => {
        assert.ok(error instanceof SshHostKeyMismatch, String(error));
        assert.equal(error.host, `[127.0.0.1]:${sshd.port}`);
        assert.equal(
          error.fingerprint,
          fingerprint(Buffer.from(sshd.hostKeys.ed25519.split(' ')[1]!, 'base64')),
        );
        assert.match(error.message, /known_hosts_wrong/);
        return true;
      },
    );
    assert.equal(acceptedLogins(), before, 'no login may happen');
    assert.equal(await remoteHead(), headBefore);
  });

  it('reports a key the server does not accept as SshAuthFailed', async () => {
    const http = client({ keyFile: keys.stranger!.privateFile });
    await assert.rejects(git.getRemoteInfo2({ http, url: http.url }), SshAuthFailed);
  });

  it('times out on a server that accepts TCP but never speaks SSH (transient error)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const http = client({ url: `ssh://git@127.0.0.1:${port}/repo.git`, connectTimeoutMs: 300 });
      await assert.rejects(git.getRemoteInfo2({ http, url: http.url }), (error: unknown) => {
        assert.ok(error instanceof SshConnectionFailed, String(error));
        assert.equal(error.transient, true);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1\\]:${port}`));
        return true;
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('refuses requests for any URL other than its own remote', async () => {
    const http = client();
    await assert.rejects(
      git.getRemoteInfo2({ http, url: 'https://example.com/org/repo.git' }),
      GitUrlInvalid,
    );
  });

  it('passes a declining pre-receive hook through: per-ref error and the hook output', async () => {
    const guarded = join(work, 'guarded.git');
    await gitOut(['clone', '-q', '--bare', bare, guarded]);
    await writeFile(
      join(guarded, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "policy: frozen" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const http = client({ url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${guarded}` });
    const dir = await mkdtemp(join(work, 'guarded-'));
    await git.clone({
      fs,
      http,
      dir,
      url: http.url,
      ref: 'main',
      singleBranch: true,
      noTags: true,
    });
    const headBefore = await gitOut(['--git-dir', guarded, 'rev-parse', 'main']);
    await writeFile(join(dir, 'deploy.yaml'), 'image: app:9.9.9\n');
    await git.add({ fs, dir, filepath: 'deploy.yaml' });
    await git.commit({ fs, dir, message: 'frozen?', author: AUTHOR });
    const messages: string[] = [];
    await assert.rejects(
      git.push({
        fs,
        http,
        dir,
        url: http.url,
        ref: 'main',
        onMessage: (m) => void messages.push(m),
      }),
      (error: unknown) => {
        assert.ok(error instanceof git.Errors.GitPushError, String(error));
        assert.match(error.message, /pre-receive hook declined/);
        return true;
      },
    );
    assert.match(messages.join(''), /policy: frozen/);
    assert.equal(await gitOut(['--git-dir', guarded, 'rev-parse', 'main']), headBefore);
    http.close();
  });

  it('reports a missing repository with the server message', async () => {
    const http = client({
      url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${join(work, 'nope.git')}`,
    });
    await assert.rejects(git.getRemoteInfo2({ http, url: http.url }), (error: unknown) => {
      assert.ok(error instanceof SshRemoteCommandFailed, String(error));
      assert.match(error.message, /nope\.git/);
      assert.match(error.stderr, /not appear to be a git repository|not a git repository/i);
      return true;
    });
  });
});
