/**
 * The store over the SSH transport (ssh2 adapter, src/git/transport/ssh) against Debian's sshd:
 * openGitStore picks SSH for ssh:// URLs; sync, commit, minimal push, races and hook refusals
 * behave as over HTTPS.
 */
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitConfigError, PushRaced, PushRefused } from '../../src/git/index.js';
import { makeKey, startSshd, type KeyPair, type Sshd } from '../support/sshd/sshd.js';
import { bytes, openTestStore } from '../support/git/fixture.js';
import { cloneWork, commitFiles, createBareRepo, gitCli, tempDir } from '../support/git/repos.js';

describe('GitStore over SSH (OpenSSH sshd on loopback)', () => {
  let sshd: Sshd;
  let dir: string;
  let key: KeyPair;
  let knownHosts: string;

  before(async () => {
    sshd = await startSshd();
    dir = await tempDir('ssh-store');
    key = await makeKey(dir, 'id_ed25519', 'ed25519');
    await sshd.authorize(key.publicLine);
    knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.hostKeyLines.join('\n')}\n`);
  });
  after(async () => {
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const sshUrl = (bare: string): string => `ssh://${sshd.user}@127.0.0.1:${sshd.port}${bare}`;
  const open = (bare: string) =>
    openTestStore(sshUrl(bare), { sshKeyFile: key.privateFile, sshKnownHostsFile: knownHosts });

  it('syncs, commits and pushes only the new objects over ssh://', async () => {
    const { bare, oids } = await createBareRepo(dir, 'ssh.git', [
      {
        'apps/a/deploy.yaml': { content: 'image: a:1\n' },
        'apps/b/deploy.yaml': { content: 'image: b:1\n' },
      },
    ]);
    const store = await open(bare);
    try {
      assert.equal(await store.sync(), oids[0]);
      assert.equal(await store.sync(), oids[0]);
      const commit = await store.commit(
        [{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }],
        'ssh bump',
      );
      await store.push();
      assert.equal((await gitCli(['rev-parse', 'main'], bare)).trim(), commit);
      await gitCli(['fsck', '--full', '--strict'], bare);
      assert.equal(await gitCli(['show', 'main:apps/a/deploy.yaml'], bare), 'image: a:2\n');

      // Another writer moves main: PushRaced with the new head, remote untouched by us.
      const writer = await cloneWork(bare);
      const theirs = await commitFiles(
        writer,
        { 'apps/b/deploy.yaml': { content: 'image: b:3\n' } },
        'person',
      );
      await gitCli(['push', '-q', 'origin', 'main'], writer);
      await rm(writer, { recursive: true, force: true });
      await store.commit(
        [{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:3\n') }],
        'ssh bump 2',
      );
      await assert.rejects(
        store.push(),
        (e: unknown) => e instanceof PushRaced && e.remoteHead === theirs,
      );
      assert.equal((await gitCli(['rev-parse', 'main'], bare)).trim(), theirs);
    } finally {
      await store.close();
    }
  });

  it("surfaces a pre-receive hook's message over SSH", async () => {
    const { bare } = await createBareRepo(dir, 'ssh-hook.git', [
      { 'a.yaml': { content: 'a: 1\n' } },
    ]);
    const hook = path.join(bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "ssh policy: no robots on Sunday" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const store = await open(bare);
    try {
      await store.sync();
      await store.commit([{ path: 'a.yaml', bytes: bytes('a: 2\n') }], 'bump');
      await assert.rejects(
        store.push(),
        (e: unknown) =>
          e instanceof PushRefused && /remote: ssh policy: no robots on Sunday/.test(e.message),
      );
    } finally {
      await store.close();
    }
  });

  it('asks for the SSH key settings when an scp-like URL comes without them', async () => {
    await assert.rejects(
      openTestStore('git@git.example.test:org/repo.git'),
      (e: unknown) =>
        e instanceof GitConfigError &&
        /set git\.sshKeyFile and git\.sshKnownHostsFile/.test(e.message),
    );
  });
});
