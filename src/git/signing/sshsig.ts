/**
 * SSH signatures in the `sshsig` format (OpenSSH PROTOCOL.sshsig), the format `git` writes with
 * `gpg.format=ssh` via `ssh-keygen -Y sign -n git`:
 *
 *   blob   = "SSHSIG" uint32(1) string(publickey) string(namespace) string("")
 *            string(hash_algorithm) string(signature)
 *   signed = "SSHSIG" string(namespace) string("") string(hash_algorithm) string(H(message))
 *
 * `signature` is the SSH wire encoding (RFC 4253 §6.6): string(algorithm) string(blob), with
 * rsa-sha2-512 for RSA (RFC 8332), raw 64 bytes for ed25519 (RFC 8709) and mpint r, mpint s for
 * ECDSA (RFC 5656 §3.1.2). The armor wraps base64 at 70 columns, as ssh-keygen does.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { ParsedKey } from 'ssh2';
import { SigningFailed } from './errors.js';

const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
export const SSHSIG_HASH = 'sha512';
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';

/** An SSH `string`: uint32 length, then the bytes. */
export function sshString(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH `mpint` body from an unsigned big-endian integer: minimal, positive (RFC 4251 §5). */
export function sshMpint(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const trimmed = Buffer.from(unsigned.subarray(start));
  const body =
    trimmed.length > 0 && ((trimmed[0] ?? 0) & 0x80) !== 0
      ? Buffer.concat([Buffer.from([0]), trimmed])
      : trimmed;
  return sshString(body);
}

/** The bytes the private key signs for `message` under `namespace`. */
export function sshsigSignedData(namespace: string, message: Uint8Array): Buffer {
  const digest = createHash(SSHSIG_HASH).update(message).digest();
  return Buffer.concat([
    MAGIC,
    sshString(namespace),
    sshString(''),
    sshString(SSHSIG_HASH),
    sshString(digest),
  ]);
}

/** The sshsig blob around an already encoded SSH signature. */
export function sshsigBlob(
  publicKey: Uint8Array,
  namespace: string,
  signature: Uint8Array,
): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(VERSION);
  return Buffer.concat([
    MAGIC,
    version,
    sshString(publicKey),
    sshString(namespace),
    sshString(''),
    sshString(SSHSIG_HASH),
    sshString(signature),
  ]);
}

export function armorSshsig(blob: Uint8Array): string {
  const base64 = Buffer.from(blob).toString('base64');
  const lines = base64.match(/.{1,70}/g) ?? [];
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

interface Scheme {
  /** Signature algorithm name written into the signature. */
  readonly algorithm: string;
  /** node:crypto digest for sign(), or null for ed25519 (the algorithm hashes itself). */
  readonly digest: string | null;
  /** ECDSA field size in bytes, to split r||s. */
  readonly ecdsaSize?: number;
}

const SCHEMES: Readonly<Record<string, Scheme>> = {
  'ssh-ed25519': { algorithm: 'ssh-ed25519', digest: null },
  // ssh-keygen signs sshsig with rsa-sha2-512 (SHA-1 "ssh-rsa" signatures are refused since 8.8).
  'ssh-rsa': { algorithm: 'rsa-sha2-512', digest: 'sha512' },
  'ecdsa-sha2-nistp256': { algorithm: 'ecdsa-sha2-nistp256', digest: 'sha256', ecdsaSize: 32 },
  'ecdsa-sha2-nistp384': { algorithm: 'ecdsa-sha2-nistp384', digest: 'sha384', ecdsaSize: 48 },
  'ecdsa-sha2-nistp521': { algorithm: 'ecdsa-sha2-nistp521', digest: 'sha512', ecdsaSize: 66 },
};

export interface SshSigningKey {
  readonly type: string;
  /** SSH wire-format public key blob. */
  readonly publicKey: Buffer;
  readonly privateKey: KeyObject;
  readonly publicKeyObject: KeyObject;
}

/** Wraps a parsed ssh2 private key for signing; undefined when the key type is unsupported. */
export function toSigningKey(key: ParsedKey): SshSigningKey | undefined {
  if (SCHEMES[key.type] === undefined) return undefined;
  const pem = key.getPrivatePEM();
  const publicPem = key.getPublicPEM();
  return {
    type: key.type,
    publicKey: key.getPublicSSH(),
    privateKey: createPrivateKey(pem),
    publicKeyObject: createPublicKey(publicPem),
  };
}

/** Signs `message` and returns the armored sshsig text (namespace `git` for commits). */
export function signSshsig(key: SshSigningKey, message: Uint8Array, namespace: string): string {
  const scheme = SCHEMES[key.type];
  if (scheme === undefined) throw new SigningFailed(`unsupported SSH key type ${key.type}`);
  const data = sshsigSignedData(namespace, message);
  let raw: Buffer;
  let wire: Buffer;
  if (scheme.ecdsaSize !== undefined) {
    raw = sign(scheme.digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    const r = raw.subarray(0, scheme.ecdsaSize);
    const s = raw.subarray(scheme.ecdsaSize);
    wire = Buffer.concat([sshMpint(r), sshMpint(s)]);
  } else {
    raw = sign(scheme.digest, data, key.privateKey);
    wire = raw;
  }
  // A signature that does not verify with the public half must never reach a commit.
  const ok =
    scheme.ecdsaSize !== undefined
      ? verify(scheme.digest, data, { key: key.publicKeyObject, dsaEncoding: 'ieee-p1363' }, raw)
      : verify(scheme.digest, data, key.publicKeyObject, raw);
  if (!ok) {
    throw new SigningFailed(`the ${key.type} signature does not verify with its own public key`);
  }
  const signature = Buffer.concat([sshString(scheme.algorithm), sshString(wire)]);
  return armorSshsig(sshsigBlob(key.publicKey, namespace, signature));
}
