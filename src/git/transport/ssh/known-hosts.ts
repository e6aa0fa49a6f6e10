/**
 * `known_hosts` parsing and host-key checking, following sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT":
 * `[marker] hostpatterns keytype base64-key [comment]`, patterns comma-separated with `*`/`?`
 * wildcards and `!` negation, `[host]:port` for non-default ports, hashed `|1|salt|hmac-sha1`
 * names, `@revoked` keys. `@cert-authority` lines are not supported (host certificates): they
 * never match, so such hosts are refused as unknown rather than trusted. Pure, apart from hashing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostEntry {
  readonly line: number;
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly patterns: string;
  readonly keyType: string;
  readonly key: Buffer;
}

export interface KnownHosts {
  /** Where the entries came from, for messages (a file name). */
  readonly source: string;
  readonly entries: readonly KnownHostEntry[];
}

/** Parses a known_hosts file; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string, source: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    const first = fields.at(0) ?? '';
    if (first.startsWith('@')) {
      if (first === '@revoked') marker = 'revoked';
      else if (first === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [patterns, keyType, keyText] = marker === undefined ? fields : fields.slice(1);
    if (patterns === undefined || keyType === undefined || keyText === undefined) return;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) return;
    const key = Buffer.from(keyText, 'base64');
    // The blob must start with its own type name; a line whose type field disagrees is corrupt.
    if (blobKeyType(key) !== keyType) return;
    entries.push({ line: index + 1, marker, patterns, keyType, key });
  });
  return { source, entries };
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise (lower-cased). */
export function knownHostsName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/** True when the entry's host field names `name` (plain patterns or a hashed name). */
export function entryMatchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1).toLowerCase(), name)) return false;
    } else if (globMatches(pattern.toLowerCase(), name)) {
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[2] === undefined || parts[3] === undefined) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** ssh's match_pattern: `*` any run, `?` any one character, everything else literal. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}

export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly line: number }
  | { readonly kind: 'revoked'; readonly line: number }
  | {
      readonly kind: 'mismatch';
      readonly knownTypes: readonly string[];
      readonly lines: readonly number[];
    }
  | { readonly kind: 'unknown' };

/** Checks a presented host key blob for `host`:`port` against the file's entries. */
export function checkHostKey(
  knownHosts: KnownHosts,
  host: string,
  port: number,
  presented: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  // A revoked key is refused whatever host line carries it (ssh checks revocation first).
  const revoked = knownHosts.entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const forHost = knownHosts.entries.filter(
    (e) => e.marker === undefined && entryMatchesHost(e.patterns, name),
  );
  const same = forHost.find((e) => e.key.equals(presented));
  if (same) return { kind: 'trusted', line: same.line };
  if (forHost.length === 0) return { kind: 'unknown' };
  return {
    kind: 'mismatch',
    knownTypes: [...new Set(forHost.map((e) => e.keyType))],
    lines: forHost.map((e) => e.line),
  };
}

/** Host-key algorithms ssh2 should ask for, given the key types known for the host. */
export function hostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const out: string[] = [];
  for (const type of knownTypes) {
    if (type === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(type);
  }
  return [...new Set(out)];
}

/** Key types known (non-revoked, non-CA lines) for `host`:`port`. */
export function knownKeyTypes(knownHosts: KnownHosts, host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  return [
    ...new Set(
      knownHosts.entries
        .filter((e) => e.marker === undefined && entryMatchesHost(e.patterns, name))
        .map((e) => e.keyType),
    ),
  ];
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The type name an SSH public key blob starts with (an SSH `string`), or undefined. */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}
