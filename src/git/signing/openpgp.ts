/**
 * OpenPGP commit signatures with openpgp.js: a detached, armored signature over the commit text
 * as binary data (signature type 0x00), which is what `gpg --detach-sign --armor` makes for
 * `git commit -S` and what `git verify-commit` checks (RFC 9580 §5.2.1).
 */
import * as openpgp from 'openpgp';
import { SigningFailed, SigningKeyInvalid } from './errors.js';

export interface OpenPgpSigningKey {
  readonly key: openpgp.PrivateKey;
  /** Hex fingerprint of the primary key, for messages and docs. */
  readonly fingerprint: string;
}

/** Reads an armored secret key and decrypts it with `passphrase` when it is encrypted. */
export async function loadOpenPgpKey(
  armored: string,
  passphrase: string | undefined,
  source: string,
): Promise<OpenPgpSigningKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (error: unknown) {
    throw new SigningKeyInvalid(
      `${source} does not hold an armored OpenPGP secret key (gpg --export-secret-keys --armor)`,
      { cause: error },
    );
  }
  if (!key.isDecrypted()) {
    if (passphrase === undefined) {
      throw new SigningKeyInvalid(
        `the OpenPGP key in ${source} is encrypted and no passphrase file is configured`,
      );
    }
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch (error: unknown) {
      throw new SigningKeyInvalid(`the passphrase does not decrypt the OpenPGP key in ${source}`, {
        cause: error,
      });
    }
  }
  try {
    // Fails early (at startup, not at the first commit) when no subkey may sign.
    await key.getSigningKey();
  } catch (error: unknown) {
    throw new SigningKeyInvalid(`the OpenPGP key in ${source} has no usable signing key`, {
      cause: error,
    });
  }
  return { key, fingerprint: key.getFingerprint().toUpperCase() };
}

export async function signOpenPgp(key: OpenPgpSigningKey, payload: string): Promise<string> {
  const message = await openpgp.createMessage({ binary: Buffer.from(payload, 'utf8') });
  // openpgp's overloads resolve through web-stream types the linter cannot see; check at runtime.
  const signature: unknown = await openpgp.sign({
    message,
    signingKeys: key.key,
    detached: true,
    format: 'armored',
  });
  if (typeof signature !== 'string')
    throw new SigningFailed('openpgp.sign returned no armored text');
  return signature.endsWith('\n') ? signature : `${signature}\n`;
}
