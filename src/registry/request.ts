/**
 * One registry request through the whole pipeline: auth header (known scheme) → per-host
 * limiter → transport (timeouts, size limit, redirect policy) → status handling. 401 runs the
 * auth dance and retries; 429 honours Retry-After and halves the host's rate; 5xx, resets and
 * timeouts retry with jittered exponential back-off; 401/403/404 are permanent.
 */
import type { Authenticator, AuthTarget } from './auth/authenticator.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { RegistryError, RegistryRateLimitedError, type RegistryErrorContext } from './errors.js';
import { parseQuotaHeader, parseRetryAfter } from './http/rate-headers.js';
import { statusError } from './http/status.js';
import type { HttpResponse, HttpSend } from './http/types.js';
import type { HostLimiter } from './limiter.js';

export interface RegistryCall {
  readonly method: 'GET' | 'HEAD';
  /** Absolute URL on the endpoint. */
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Token scope, e.g. `repository:library/nginx:pull`. */
  readonly scope: string;
  readonly target: AuthTarget;
  readonly context: RegistryErrorContext;
  /** What is asked for, in words, for 404 messages (`tag "1.2"`, `repository`). */
  readonly what: string;
  readonly maxBytes?: number;
  /** Statuses returned as-is besides 2xx (e.g. 304 for conditional requests). */
  readonly passStatuses?: readonly number[];
  /** Docker Hub counts manifest GETs as pulls (pulls.md): refuse when the quota is low. */
  readonly countsAsPull?: boolean;
  /** Called for each HTTP attempt sent to the registry (not token requests). */
  readonly onSend?: () => void;
}

/** What the tag and manifest modules need: one call in, one response out. */
export interface RegistryCaller {
  call(call: RegistryCall): Promise<HttpResponse>;
}

/** A caller that counts every HTTP attempt it makes (retries included), for request budgets. */
export function countingCaller(
  inner: Requester,
): RegistryCaller & { readonly count: () => number } {
  let count = 0;
  return {
    call: (call) =>
      inner.call({
        ...call,
        onSend: () => {
          count += 1;
          call.onSend?.();
        },
      }),
    count: () => count,
  };
}

export interface RequesterOptions {
  readonly send: HttpSend;
  readonly limiter: HostLimiter;
  readonly auth: Authenticator;
  /** Attempts for transient failures (first try included). */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Longest Retry-After honoured inside one call; longer ones surface as a transient error. */
  readonly maxRetryAfterMs?: number;
}

/** 401 rounds per call: anonymous → credentials → widened scope. */
const MAX_AUTH_ROUNDS = 3;

export class Requester implements RegistryCaller {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;

  constructor(private readonly options: RequesterOptions) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = options.now ?? Date.now;
  }

  async call(call: RegistryCall): Promise<HttpResponse> {
    const host = call.url.host;
    const maxAttempts = this.options.maxAttempts ?? 4;
    let attempt = 0;
    let authRounds = 0;
    for (;;) {
      if (call.countsAsPull === true && !this.options.limiter.takePull(host)) {
        const quota = this.options.limiter.quotaFor(host);
        throw new RegistryRateLimitedError(
          call.context,
          quota?.windowSeconds === undefined ? undefined : quota.windowSeconds * 1000,
          `pull quota running low (${quota?.remaining ?? 0} left); pull-counting requests are spread over the window`,
        );
      }
      const authorization = await this.options.auth.header(call.target, call.scope, call.context);
      const headers: Record<string, string> = { ...call.headers };
      if (authorization !== undefined) headers.Authorization = authorization;
      let response: HttpResponse;
      try {
        response = await this.options.limiter.schedule(host, () => {
          call.onSend?.();
          return this.options.send({
            method: call.method,
            url: call.url,
            headers,
            context: call.context,
            ...(call.maxBytes === undefined ? {} : { maxBytes: call.maxBytes }),
          });
        });
      } catch (error: unknown) {
        attempt += 1;
        if (error instanceof RegistryError && error.transient && attempt < maxAttempts) {
          await this.#sleep(
            backoffDelay(attempt, this.options.random, this.options.backoff ?? DEFAULT_BACKOFF),
          );
          continue;
        }
        throw error;
      }
      this.#recordQuota(host, response);
      const { status } = response;
      if ((status >= 200 && status < 300) || call.passStatuses?.includes(status)) {
        this.options.limiter.succeeded(host);
        return response;
      }
      if (status === 401 && authRounds < MAX_AUTH_ROUNDS) {
        authRounds += 1;
        await this.options.auth.challenged(
          call.target,
          call.scope,
          response,
          authorization !== undefined,
          { ...call.context, status },
        );
        continue;
      }
      const retryAfter = parseRetryAfter(response.header('retry-after'), this.#now());
      const error = statusError(call.context, status, response.body, call.what, retryAfter);
      if (error instanceof RegistryRateLimitedError) {
        this.options.limiter.throttled(host, retryAfter);
        attempt += 1;
        const tooLong =
          retryAfter !== undefined && retryAfter > (this.options.maxRetryAfterMs ?? 60_000);
        if (attempt < maxAttempts && !tooLong) continue; // the limiter waits out Retry-After
        throw error;
      }
      if (error.transient) {
        attempt += 1;
        if (attempt < maxAttempts) {
          await this.#sleep(
            backoffDelay(attempt, this.options.random, this.options.backoff ?? DEFAULT_BACKOFF),
          );
          continue;
        }
      }
      throw error;
    }
  }

  #recordQuota(host: string, response: HttpResponse): void {
    const remaining = parseQuotaHeader(response.header('ratelimit-remaining'));
    if (remaining !== undefined)
      this.options.limiter.recordQuota(host, {
        remaining: remaining.count,
        windowSeconds: remaining.windowSeconds,
      });
  }
}
