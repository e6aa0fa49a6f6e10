/**
 * The product path end to end: the Git store (openGitStore) syncing, committing with an SSH
 * signature and pushing over the SSH transport to Debian's sshd; the result is read back with the
 * git CLI (fsck, the pushed file, verify-commit with an allowed-signers file).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openGitStore } from '../../../src/git/index.js';
import { SshHostKeyMismatch } from '../../../src/git/transport/ssh/index.js';
import { SecretRedactor } from '../../../src/telemetry/index.js';
import { makeKey, startSshd, type KeyPair, type Sshd } from '../../support/sshd/sshd.js';

const run = promisify(execFile);
const EMAIL = 'bot@example.test';

async function gitOut(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, cwd === undefined ? {} : { cwd });
  return stdout.trim();
}

describe('Git store over SSH with signed commits', () => {
  let sshd: Sshd;
  let work: string;
  let bare: string;
  let key: KeyPair;
  let signingKey: KeyPair;
  let knownHosts: string;

  before(async () => {
    sshd = await startSshd();
    work = await mkdtemp(join(tmpdir(), 'tagpilot-store-ssh-'));
    key = await makeKey(work, 'id_ed25519', 'ed25519');
    signingKey = await makeKey(work, 'signing_ecdsa', 'ecdsa');
    await sshd.authorize(key.publicLine);
    knownHosts = join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.hostKeyLines.join('\n')}\n`);
    bare = join(work, 'fleet.git');
    const seed = join(work, 'seed');
    await gitOut(['init', '-q', '--bare', '-b', 'main', bare]);
    await gitOut(['init', '-q', '-b', 'main', seed]);
    await writeFile(join(seed, 'app.yaml'), 'image: app:1.0.0\n');
    await gitOut(['-c', 'user.name=s', '-c', 'user.email=s@x', 'add', '.'], seed);
    await gitOut(['-c', 'user.name=s', '-c', 'user.email=s@x', 'commit', '-qm', 'seed'], seed);
    await gitOut(['push', '-q', bare, 'main'], seed);
  });

  after(async () => {
    await sshd.stop();
    await rm(work, { recursive: true, force: true });
  });

  function open(knownHostsFile: string, cacheDir: string) {
    return openGitStore({
      url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${bare}`,
      branch: 'main',
      cacheDir,
      author: { name: 'Tag Pilot', email: EMAIL },
      sshKeyFile: key.privateFile,
      sshKnownHostsFile: knownHostsFile,
      signing: { format: 'ssh', keyFile: signingKey.privateFile },
      redactor: new SecretRedactor(),
    });
  }

  it('syncs, commits a signed change and pushes it; git verifies the signature', async () => {
    const store = await open(knownHosts, join(work, 'cache'));
    try {
      const head = await store.sync();
      assert.equal(head, await gitOut(['--git-dir', bare, 'rev-parse', 'main']));
      const oid = await store.commit(
        [{ path: 'app.yaml', bytes: Buffer.from('image: app:1.1.0\n') }],
        'bump app to 1.1.0\n',
      );
      await store.push();
      assert.equal(await gitOut(['--git-dir', bare, 'rev-parse', 'main']), oid);
    } finally {
      await store.close();
    }
    assert.equal(await gitOut(['--git-dir', bare, 'show', 'main:app.yaml']), 'image: app:1.1.0');
    await gitOut(['--git-dir', bare, 'fsck', '--full', '--strict']);
    const allowed = join(work, 'allowed_signers');
    await writeFile(allowed, `${EMAIL} namespaces="git" ${signingKey.publicLine}\n`);
    const status = await gitOut([
      '--git-dir',
      bare,
      '-c',
      'gpg.format=ssh',
      '-c',
      `gpg.ssh.allowedSignersFile=${allowed}`,
      'log',
      '-1',
      '--format=%G? %GS',
      'main',
    ]);
    assert.equal(status, `G ${EMAIL}`);
  });

  it('refuses to sync from a host whose key changed', async () => {
    const impostor = await makeKey(work, 'impostor', 'ed25519');
    const wrong = join(work, 'known_hosts_wrong');
    const line = impostor.publicLine.split(' ').slice(0, 2).join(' ');
    await writeFile(wrong, `[127.0.0.1]:${sshd.port} ${line}\n`);
    const store = await open(wrong, join(work, 'cache-wrong'));
    try {
      await assert.rejects(store.sync(), (error: unknown) => {
        assert.ok(error instanceof SshHostKeyMismatch, String(error));
        assert.equal(error.host, `[127.0.0.1]:${sshd.port}`);
        return true;
      });
    } finally {
      await store.close();
    }
    // known_hosts is never written to (no trust on first use).
    assert.equal(await readFile(wrong, 'utf8'), `[127.0.0.1]:${sshd.port} ${line}\n`);
  });
});
