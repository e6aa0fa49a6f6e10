/**
 * Private keys in OpenSSH (and PEM) format, parsed by ssh2: ed25519, ECDSA (nistp256/384/521) and
 * RSA, optionally encrypted (bcrypt-pbkdf + aes for OpenSSH keys). Errors name the file, never
 * the key or passphrase.
 */
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { SshKeyInvalid } from './errors.js';

export const SUPPORTED_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;

/** Parses a private key; `source` (a file name) only appears in error messages. */
export function parsePrivateKey(
  data: Uint8Array,
  passphrase: string | undefined,
  source: string,
): ParsedKey {
  const parsed = ssh2.utils.parseKey(Buffer.from(data), passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
    const hint =
      passphrase === undefined && encrypted
        ? 'it is encrypted and no passphrase file is configured'
        : encrypted
          ? 'the passphrase does not decrypt it'
          : parsed.message;
    throw new SshKeyInvalid(`cannot use the SSH private key in ${source}: ${hint}`);
  }
  // ssh2 returns an array only for files holding several keys; the first is the one ssh uses.
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (key === undefined) throw new SshKeyInvalid(`${source} holds no SSH key`);
  if (!key.isPrivateKey()) {
    throw new SshKeyInvalid(`${source} holds a public key; an SSH private key is needed`);
  }
  if (!(SUPPORTED_KEY_TYPES as readonly string[]).includes(key.type)) {
    throw new SshKeyInvalid(
      `the SSH key in ${source} is of type ${key.type}; use ed25519, ECDSA or RSA`,
    );
  }
  return key;
}

/** A secret read from a file: one trailing newline (as editors and `echo` add) is not part of it. */
export function secretFromFile(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
