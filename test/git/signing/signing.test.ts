/**
 * Commits signed through createSigner (written by isomorphic-git's `commit` + `onSign`, as the
 * store does) and verified by the real git CLI: `git verify-commit` and `git log %G?` with
 * gpg (OpenPGP) or ssh-keygen via gpg.ssh.allowedSignersFile (SSH). Temp HOME/GNUPGHOME only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import git from 'isomorphic-git';
import * as openpgp from 'openpgp';
import {
  createSigner,
  SigningKeyInvalid,
  type SigningSettings,
} from '../../../src/git/signing/index.js';
import type { CommitSigner } from '../../../src/git/types.js';
import { makeKey } from '../../support/sshd/sshd.js';

const execFileP = promisify(execFile);
const EMAIL = 'bot@example.test';
const AUTHOR = { name: 'Tag Pilot', email: EMAIL, timestamp: 1_700_000_000, timezoneOffset: 0 };

describe('commit signing verified by git', () => {
  let root: string;
  let repo: string;
  let gnupgHome: string;
  let env: NodeJS.ProcessEnv;
  const deps = { readFile: (path: string) => readFile(path) };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tagpilot-sign-'));
    gnupgHome = await mkdtemp(join(root, 'gnupg-'));
    repo = join(root, 'repo');
    env = {
      PATH: process.env.PATH,
      HOME: root,
      GNUPGHOME: gnupgHome,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      LC_ALL: 'C',
    };
    await execFileP('git', ['init', '-q', '-b', 'main', repo], { env });
    await writeFile(join(root, 'passphrase'), 'sign me softly\n');
    await writeFile(join(root, 'wrong'), 'not it\n');
  });

  after(async () => {
    await execFileP('gpgconf', ['--homedir', gnupgHome, '--kill', 'all'], { env }).catch(
      () => undefined,
    );
    await rm(root, { recursive: true, force: true });
  });

  /** Runs git in the repo; returns stdout, stderr and the exit code (never throws). */
  async function gitRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('git', args, { cwd: repo, env }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
      });
    });
  }

  let counter = 0;
  async function commitSigned(
    signer: CommitSigner,
    tamper?: (payload: string) => string,
  ): Promise<string> {
    counter += 1;
    await writeFile(join(repo, 'deploy.yaml'), `image: app:1.0.${counter}\n`);
    await git.add({ fs, dir: repo, filepath: 'deploy.yaml' });
    return git.commit({
      fs,
      dir: repo,
      message: `bump app to 1.0.${counter}`,
      author: AUTHOR,
      signingKey: 'configured-in-signer',
      onSign: async ({ payload }) => ({
        signature: await signer.sign(tamper ? tamper(payload) : payload),
      }),
    });
  }

  async function sshSettings(
    type: 'ed25519' | 'ecdsa' | 'rsa',
    passphrase = '',
  ): Promise<SigningSettings> {
    counter += 1;
    const key = await makeKey(root, `sign_${type}_${counter}`, type, passphrase);
    const allowed = join(root, 'allowed_signers');
    const existing = await readFile(allowed, 'utf8').catch(() => '');
    await writeFile(allowed, `${existing}${EMAIL} namespaces="git" ${key.publicLine}\n`);
    return {
      format: 'ssh',
      keyFile: key.privateFile,
      ...(passphrase === '' ? {} : { passphraseFile: join(root, 'passphrase') }),
    };
  }

  const sshConfig = (): string[] => [
    '-c',
    'gpg.format=ssh',
    '-c',
    `gpg.ssh.allowedSignersFile=${join(root, 'allowed_signers')}`,
  ];

  for (const [type, passphrase] of [
    ['ed25519', ''],
    ['ecdsa', ''],
    ['rsa', ''],
    ['ed25519', 'sign me softly'],
  ] as const) {
    it(`SSH ${type}${passphrase === '' ? '' : ' (encrypted)'}: git verify-commit accepts it`, async () => {
      const secrets: string[] = [];
      const signer = await createSigner(await sshSettings(type, passphrase), {
        ...deps,
        onSecret: (s) => secrets.push(s),
      });
      assert.equal(signer.format, 'ssh');
      const oid = await commitSigned(signer);
      const raw = await gitRun(['cat-file', 'commit', oid]);
      assert.match(raw.stdout, /^gpgsig -----BEGIN SSH SIGNATURE-----$/m);
      const verified = await gitRun([...sshConfig(), 'verify-commit', oid]);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stderr, new RegExp(`Good "git" signature for ${EMAIL}`));
      const status = await gitRun([...sshConfig(), 'log', '-1', '--format=%G?', oid]);
      assert.equal(status.stdout.trim(), 'G');
      assert.deepEqual(secrets, passphrase === '' ? [] : [passphrase]);
    });
  }

  it('SSH: a signature over other bytes is rejected by git (the check is real)', async () => {
    const settings = await sshSettings('ed25519');
    const signer = await createSigner(settings, deps);
    const oid = await commitSigned(signer, (payload) => payload.replace('bump', 'dump'));
    const verified = await gitRun([...sshConfig(), 'verify-commit', oid]);
    assert.notEqual(verified.code, 0);
    const status = await gitRun([...sshConfig(), 'log', '-1', '--format=%G?', oid]);
    assert.equal(status.stdout.trim(), 'B');
  });

  async function pgpSettings(
    type: 'ecc' | 'rsa',
    passphrase: string | undefined,
  ): Promise<SigningSettings> {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type,
      ...(type === 'rsa' ? { rsaBits: 2048 } : {}),
      userIDs: [{ name: 'Tag Pilot', email: EMAIL }],
      ...(passphrase === undefined ? {} : { passphrase }),
      format: 'armored',
    });
    const keyFile = join(root, `pgp-${type}.asc`);
    await writeFile(keyFile, privateKey);
    const publicFile = join(root, `pgp-${type}.pub.asc`);
    await writeFile(publicFile, publicKey);
    await execFileP('gpg', ['--batch', '--quiet', '--import', publicFile], { env });
    const fpr = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    // Ultimate owner trust, so git reports G (good and trusted) rather than U.
    await new Promise<void>((resolve, reject) => {
      const child = execFile('gpg', ['--batch', '--import-ownertrust'], { env }, (error) => {
        if (error) reject(new Error(`gpg --import-ownertrust failed: ${error.message}`));
        else resolve();
      });
      child.stdin?.end(`${fpr}:6:\n`);
    });
    return {
      format: 'openpgp',
      keyFile,
      ...(passphrase === undefined ? {} : { passphraseFile: join(root, 'passphrase') }),
    };
  }

  for (const [type, passphrase] of [
    ['ecc', 'sign me softly'],
    ['rsa', undefined],
  ] as const) {
    it(`OpenPGP ${type}${passphrase === undefined ? '' : ' (encrypted)'}: git log --show-signature says Good`, async () => {
      const signer = await createSigner(await pgpSettings(type, passphrase), deps);
      assert.equal(signer.format, 'openpgp');
      const oid = await commitSigned(signer);
      const verified = await gitRun(['verify-commit', oid]);
      assert.equal(verified.code, 0, verified.stderr);
      const shown = await gitRun(['log', '-1', '--show-signature', oid]);
      assert.match(shown.stdout, /Good signature from "Tag Pilot <bot@example\.test>"/);
      const status = await gitRun(['log', '-1', '--format=%G?', oid]);
      assert.equal(status.stdout.trim(), 'G');
    });
  }

  it('refuses unusable keys with a typed error naming the file and never the passphrase', async () => {
    const encryptedSsh = await makeKey(root, 'enc_for_errors', 'ed25519', 'sign me softly');
    const pgp = await pgpSettings('ecc', 'sign me softly');
    const cases: [SigningSettings, RegExp][] = [
      [{ format: 'ssh', keyFile: encryptedSsh.privateFile }, /encrypted and no passphrase/],
      [
        { format: 'ssh', keyFile: encryptedSsh.privateFile, passphraseFile: join(root, 'wrong') },
        /passphrase does not decrypt/,
      ],
      [{ format: 'openpgp', keyFile: pgp.keyFile }, /encrypted and no passphrase/],
      [
        { format: 'openpgp', keyFile: pgp.keyFile, passphraseFile: join(root, 'wrong') },
        /passphrase does not decrypt/,
      ],
      [
        { format: 'openpgp', keyFile: encryptedSsh.privateFile },
        /does not hold an armored OpenPGP secret key/,
      ],
      [{ format: 'ssh', keyFile: join(root, 'missing') }, /cannot read the signing key file/],
    ];
    for (const [settings, message] of cases) {
      await assert.rejects(createSigner(settings, deps), (error: unknown) => {
        assert.ok(error instanceof SigningKeyInvalid, String(error));
        assert.match(error.message, message);
        assert.ok(error.message.includes(settings.keyFile), error.message);
        assert.doesNotMatch(error.message, /sign me softly|not it/);
        return true;
      });
    }
  });
});
