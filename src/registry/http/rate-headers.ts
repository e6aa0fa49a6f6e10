/**
 * Rate-limit headers. Pure.
 * - `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * - Docker Hub `ratelimit-limit` / `ratelimit-remaining`: `<count>;w=<window seconds>`
 *   (docs.docker.com docker-hub/usage/pulls "View pull rate and limit"); absent = not limited.
 */

/** Milliseconds to wait from `now`, or undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // IMF-fixdate and the obsolete forms; Date.parse reads all three.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface QuotaHeader {
  readonly count: number;
  /** Window in seconds; undefined when the header has no `w=`. */
  readonly windowSeconds: number | undefined;
}

/** Parses `76;w=21600`; undefined when absent or malformed. */
export function parseQuotaHeader(value: string | undefined): QuotaHeader | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+)\s*)?(?:;.*)?$/.exec(value);
  if (match === null) return undefined;
  return {
    count: Number(match[1]),
    windowSeconds: match[2] === undefined ? undefined : Number(match[2]),
  };
}
