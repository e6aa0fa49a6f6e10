/**
 * Constant-time comparisons and HMACs for webhook verification. Both sides are hashed to a fixed
 * length before `timingSafeEqual`, so neither the content nor the length of the expected value
 * leaks through timing (Flux's receivers compared with `!=`; we do not).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `given` equals `expected`, in time independent of where they differ. */
export function safeEqual(given: string | Buffer | undefined, expected: string | Buffer): boolean {
  if (given === undefined) {
    timingSafeEqual(digest(expected), digest(expected));
    return false;
  }
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when any of `candidates` equals `expected` (each compared in constant time). */
export function safeEqualAny(candidates: readonly string[], expected: string | Buffer): boolean {
  let found = false;
  for (const candidate of candidates) if (safeEqual(candidate, expected)) found = true;
  return found;
}

export function hmacSha256(key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Checks a hex HMAC-SHA256 of the raw body, as GitHub (`sha256=<hex>`), Bitbucket and Gitea
 * (bare hex) send it. Hex case is not significant.
 */
export function verifyHexHmac(
  header: string | undefined,
  prefix: string,
  secret: string,
  body: Buffer,
): boolean {
  const expected = `${prefix}${hmacSha256(secret, body).toString('hex')}`;
  const given = header?.trim();
  return safeEqual(given === undefined ? undefined : given.toLowerCase(), expected);
}

/** `sha256(secret + name)` in hex: the secret URL path of a receiver whose sender cannot sign. */
export function secretPath(secret: string, name: string): string {
  return createHash('sha256').update(`${secret}${name}`).digest('hex');
}
