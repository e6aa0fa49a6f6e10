/**
 * The store with the signing seam: an SSH (`sshsig`) signer from git.signing signs the commit
 * payload tagpilot writes, and `git verify-commit` accepts it; plus the config-to-store wiring.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gitSchema } from '../../src/config/sections/git.js';
import { openGitStoreFromConfig, type CommitSigner } from '../../src/git/index.js';
import { SecretRedactor } from '../../src/telemetry/index.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git/http-server.js';
import { bytes, openTestStore } from '../support/git/fixture.js';
import { createBareRepo, gitCli, tempDir } from '../support/git/repos.js';

const run = promisify(execFile);

describe('signed commits through the store', () => {
  let root: string;
  let keys: string;
  let server: GitHttpServer;

  before(async () => {
    root = await tempDir('srv-sign');
    keys = await tempDir('keys');
    server = await startGitHttpServer({ root });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
    await rm(keys, { recursive: true, force: true });
  });

  it('signs with an SSH key from git.signing; git verify-commit accepts it after the push', async () => {
    const { bare } = await createBareRepo(root, 'signed.git', [
      { 'a.yaml': { content: 'a: 1\n' } },
    ]);
    const key = path.join(keys, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tagpilot', '-f', key]);
    const publicKey = (await readFile(`${key}.pub`, 'utf8')).trim();
    const allowed = path.join(keys, 'allowed_signers');
    await writeFile(allowed, `tagpilot@example.test ${publicKey}\n`);
    const store = await openTestStore(server.url('signed.git'), {
      signing: { format: 'ssh', keyFile: key },
    });
    try {
      await store.sync();
      const commit = await store.commit(
        [{ path: 'a.yaml', bytes: bytes('a: 2\n') }],
        'signed bump',
      );
      await store.push();
      const { stderr } = await run(
        'git',
        [
          '-c',
          'gpg.format=ssh',
          '-c',
          `gpg.ssh.allowedSignersFile=${allowed}`,
          'verify-commit',
          commit,
        ],
        { cwd: bare, env: { PATH: process.env.PATH, HOME: keys, GIT_CONFIG_NOSYSTEM: '1' } },
      );
      assert.match(stderr, /Good "git" signature for tagpilot@example\.test with ED25519 key/);
      await gitCli(['fsck', '--full', '--strict'], bare);
      assert.equal(
        (await gitCli(['log', '-1', '--format=%B', commit], bare)).trim(),
        'signed bump',
      );
    } finally {
      await store.close();
    }
  });

  it('hands the signer exactly the commit text git sees without the gpgsig header', async () => {
    const { bare } = await createBareRepo(root, 'payload.git', [
      { 'a.yaml': { content: 'a: 1\n' } },
    ]);
    const payloads: string[] = [];
    const signer: CommitSigner = {
      format: 'openpgp',
      sign: (payload) => {
        payloads.push(payload);
        return Promise.resolve(
          '-----BEGIN PGP SIGNATURE-----\n\nc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n',
        );
      },
    };
    const store = await openTestStore(server.url('payload.git'), { signer });
    try {
      await store.sync();
      const commit = await store.commit(
        [{ path: 'a.yaml', bytes: bytes('a: 3\n') }],
        'payload check',
      );
      await store.push();
      const raw = await gitCli(['cat-file', 'commit', commit], bare);
      assert.match(
        raw,
        /\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n c2lnbmF0dXJl\n -----END PGP SIGNATURE-----\n\npayload check\n$/,
      );
      const withoutSig = raw.replace(/gpgsig [^\n]*\n(?: [^\n]*\n)*/, '');
      assert.deepEqual(payloads, [withoutSig]);
    } finally {
      await store.close();
    }
  });

  it('opens a store from the git config section (defaults: shallow, checkout branch)', async () => {
    const { oids } = await createBareRepo(root, 'config.git', [
      { 'a.yaml': { content: 'a: 1\n' } },
    ]);
    const settings = gitSchema.parse({ author: { name: 'bot', email: 'bot@example.test' } });
    assert.equal(settings.depth, 1);
    assert.equal(settings.pushBranch, undefined);
    const store = await openGitStoreFromConfig(
      settings,
      { url: server.url('config.git'), branch: 'main' },
      { cacheDir: await tempDir('cache'), redactor: new SecretRedactor() },
    );
    try {
      assert.equal(await store.sync(), oids[0]);
      const commit = await store.commit([{ path: 'a.yaml', bytes: bytes('a: 4\n') }], 'cfg');
      assert.match(
        await gitCli(['--git-dir', store.gitdir, 'cat-file', 'commit', commit]),
        /^author bot <bot@example\.test> \d+ \+0000$/m,
      );
    } finally {
      await store.close();
    }
  });
});
