/** Helpers shared by the sender files: results, verifiers for the common schemes. */
import type { TriggerSubject } from '../types.js';
import { safeEqualAny, verifyHexHmac } from '../verify.js';
import type { Interpretation, RawDelivery, ReceiverContext, SecretSource } from './types.js';

export function triggers(
  subjects: readonly (TriggerSubject | undefined)[],
  deliveryId: string | undefined,
  what: string,
): Interpretation {
  const found = subjects.filter((subject): subject is TriggerSubject => subject !== undefined);
  if (found.length === 0) return { kind: 'invalid', reason: `no valid ${what} in the payload` };
  return { kind: 'subjects', subjects: found, deliveryId };
}

export function ignored(reason: string): Interpretation {
  return { kind: 'ignored', reason };
}

export function invalid(reason: string): Interpretation {
  return { kind: 'invalid', reason };
}

/** The configured secret; the config schema guarantees one for every type that needs it. */
export function secretOf(context: ReceiverContext): SecretSource {
  const secret = context.secret;
  if (secret === undefined)
    throw new Error(`receiver ${context.config.name}: no secret (the config schema requires one)`);
  return secret;
}

/** A Git repository named by its URLs; undefined when the payload gave none. */
export function gitSubject(urls: readonly (string | undefined)[]): TriggerSubject | undefined {
  const given = [...new Set(urls.filter((url): url is string => url !== undefined && url !== ''))];
  return given.length === 0 ? undefined : { kind: 'git', urls: given };
}

/** HMAC-SHA256 of the body in hex, in `header`, optionally behind a prefix such as `sha256=`. */
export function hexHmacVerifier(
  context: ReceiverContext,
  headers: readonly string[],
  prefix: string,
): (delivery: RawDelivery) => Promise<boolean> {
  const secret = secretOf(context);
  return async (delivery) => {
    const key = await secret.value();
    const given = headers
      .map((name) => delivery.headers[name])
      .find((value) => value !== undefined);
    return verifyHexHmac(given, prefix, key, delivery.body);
  };
}

/**
 * The secret in a header the sender sends verbatim (Harbor's "Auth Header", ACR's custom
 * headers, EventBridge connections, distribution's endpoint headers): the value must equal the
 * secret, or `Bearer <secret>`.
 */
export function headerSecretVerifier(
  context: ReceiverContext,
): (delivery: RawDelivery) => Promise<boolean> {
  const secret = secretOf(context);
  const header = context.config.header.toLowerCase();
  return async (delivery) => {
    const key = await secret.value();
    const given = delivery.headers[header]?.trim() ?? '';
    return safeEqualAny([given, given.replace(/^Bearer\s+/i, '')], key);
  };
}

/** Secret-path senders are verified by their URL path before the body is read. */
export async function verifiedByPath(): Promise<boolean> {
  return Promise.resolve(true);
}

export function header(delivery: RawDelivery, name: string): string | undefined {
  const value = delivery.headers[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The header a header-secret sender should send: `Authorization: Bearer <secret>`, or the bare secret in any other header. */
export function headerSecret(header: string, secret: string): Record<string, string> {
  const name = header.toLowerCase();
  return { [name]: name === 'authorization' ? `Bearer ${secret}` : secret };
}
