/**
 * CommitSigner factories: the configured key is read and decrypted once, up front, so a wrong
 * path or passphrase fails at startup with a message naming the file, not at the first commit.
 */
import type { CommitSigner } from '../types.js';
import { parsePrivateKey, secretFromFile } from '../transport/ssh/keys.js';
import { SshKeyInvalid } from '../transport/ssh/errors.js';
import { SigningKeyInvalid } from './errors.js';
import { loadOpenPgpKey, signOpenPgp } from './openpgp.js';
import { signSshsig, toSigningKey } from './sshsig.js';

/** What `git.signing` configures (src/config/sections/git-signing.ts). */
export interface SigningSettings {
  readonly format: 'openpgp' | 'ssh';
  /** OpenPGP: armored secret key; SSH: OpenSSH private key (ed25519, ECDSA or RSA). */
  readonly keyFile: string;
  readonly passphraseFile?: string | undefined;
}

export interface SigningDeps {
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Receives the passphrase once read, to register it for log redaction. */
  readonly onSecret?: ((secret: string) => void) | undefined;
}

/** The namespace git uses for commit and tag signatures (`ssh-keygen -Y sign -n git`). */
export const GIT_SSHSIG_NAMESPACE = 'git';

export async function createSigner(
  settings: SigningSettings,
  deps: SigningDeps,
): Promise<CommitSigner> {
  const keyBytes = await read(deps, settings.keyFile, 'signing key');
  const passphrase =
    settings.passphraseFile === undefined
      ? undefined
      : secretFromFile(await read(deps, settings.passphraseFile, 'signing key passphrase'));
  if (passphrase !== undefined) deps.onSecret?.(passphrase);
  if (settings.format === 'openpgp') {
    const key = await loadOpenPgpKey(
      Buffer.from(keyBytes).toString('utf8'),
      passphrase,
      settings.keyFile,
    );
    return { format: 'openpgp', sign: (payload) => signOpenPgp(key, payload) };
  }
  return createSshSigner(keyBytes, passphrase, settings.keyFile);
}

/** An SSH (`sshsig`) signer from the bytes of an OpenSSH private key. */
export function createSshSigner(
  keyBytes: Uint8Array,
  passphrase: string | undefined,
  source: string,
): CommitSigner {
  let parsed;
  try {
    parsed = parsePrivateKey(keyBytes, passphrase, source);
  } catch (error: unknown) {
    if (error instanceof SshKeyInvalid)
      throw new SigningKeyInvalid(error.message, { cause: error });
    throw error;
  }
  const key = toSigningKey(parsed);
  if (key === undefined) {
    throw new SigningKeyInvalid(`the SSH key in ${source} (${parsed.type}) cannot sign commits`);
  }
  return {
    format: 'ssh',
    sign: (payload) =>
      Promise.resolve(signSshsig(key, Buffer.from(payload, 'utf8'), GIT_SSHSIG_NAMESPACE)),
  };
}

async function read(deps: SigningDeps, path: string, what: string): Promise<Uint8Array> {
  try {
    return await deps.readFile(path);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SigningKeyInvalid(`cannot read the ${what} file ${path}: ${reason}`, {
      cause: error,
    });
  }
}
