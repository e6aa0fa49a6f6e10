/**
 * HTTP status → typed error for registry answers (distribution-spec "Error Codes"). A 4xx body
 * may be in any format (OCI: "MAY be in any format"); Docker Hub's abuse 429 is plain text, so
 * `TOOMANYREQUESTS` and "too many requests" are recognised in either shape. Pure.
 */
import {
  RegistryAuthError,
  RegistryNotFoundError,
  RegistryRateLimitedError,
  RegistryRequestError,
  RegistryUnavailableError,
  type RegistryError,
  type RegistryErrorContext,
} from '../errors.js';
import { ErrorBodySchema } from '../schema.js';

/** The registry's own error codes and messages from a JSON body, if any (first 3). */
export function errorSummary(body: Buffer): string | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(
      JSON.parse(body.subarray(0, 64 * 1024).toString('utf8')),
    );
    if (!parsed.success || parsed.data.errors.length === 0) return undefined;
    return parsed.data.errors
      .slice(0, 3)
      .map((error) =>
        error.message === undefined ? error.code : `${error.code}: ${error.message}`,
      )
      .join('; ');
  } catch {
    return undefined;
  }
}

export function isRateLimitBody(body: Buffer): boolean {
  const text = body.subarray(0, 4096).toString('utf8');
  return /TOOMANYREQUESTS|too many requests|rate limit/i.test(text);
}

/** The error for a non-success status; `what` names the object, e.g. `tag "1.2"`. */
export function statusError(
  context: RegistryErrorContext,
  status: number,
  body: Buffer,
  what: string,
  retryAfterMs: number | undefined,
): RegistryError {
  const full = { ...context, status };
  const summary = errorSummary(body);
  if (status === 429 || (status >= 400 && status < 500 && isRateLimitBody(body)))
    return new RegistryRateLimitedError(
      full,
      retryAfterMs,
      summary === undefined ? undefined : `rate limited: ${summary}`,
    );
  if (status === 401 || status === 403)
    return new RegistryAuthError(
      full,
      summary ?? 'the credentials lack pull access to this repository',
    );
  if (status === 404) return new RegistryNotFoundError(full, what);
  if (status >= 500) return new RegistryUnavailableError(full, summary ?? 'server error');
  return new RegistryRequestError(full, summary ?? `unexpected status for ${what}`);
}
