/**
 * Bearer tokens cached per (realm, service, scope) until `issued_at + expires_in` minus a slack,
 * `expires_in` defaulting to 60 s (distribution spec/auth/token.md "Token Response Fields").
 * In memory only: tokens are short-lived and secret, so they never touch the disk cache.
 */
export const DEFAULT_TOKEN_LIFETIME_S = 60;
/** Renew this long before expiry so a token never dies in flight. */
export const TOKEN_SLACK_MS = 10_000;

export function tokenKey(
  realm: string,
  service: string | undefined,
  scopes: readonly string[],
): string {
  return JSON.stringify([realm, service ?? '', [...scopes].sort()]);
}

/** When a token issued at `issuedAt` (RFC 3339, optional) for `expiresIn` s should be renewed. */
export function tokenRenewAt(
  now: number,
  expiresIn: number | undefined,
  issuedAt: string | undefined,
): number {
  const lifetimeMs = (expiresIn ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
  const parsed = issuedAt === undefined ? Number.NaN : Date.parse(issuedAt);
  // A clock-skewed or future issued_at must not extend the token: never start later than now.
  const start = Number.isNaN(parsed) ? now : Math.min(parsed, now);
  return start + lifetimeMs - Math.min(TOKEN_SLACK_MS, lifetimeMs / 2);
}

export class TokenCache {
  readonly #tokens = new Map<string, { token: string; renewAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | undefined {
    const entry = this.#tokens.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.renewAt) {
      this.#tokens.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: string, renewAt: number): void {
    this.#tokens.set(key, { token, renewAt });
  }
}
