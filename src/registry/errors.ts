/**
 * Registry errors: one family with stable codes, split into transient (retry later: 429, 5xx,
 * resets, timeouts) and permanent (report, do not hammer: 401/403/404, protocol violations).
 * Messages name the registry, the repository and the HTTP status in words a user can act on,
 * and never carry credentials (they are built from host, repository and status only).
 */
import { TagpilotError } from '../errors/index.js';

export interface RegistryErrorContext {
  /** Canonical registry host, e.g. `docker.io` or `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path, e.g. `library/nginx`; undefined for registry-wide requests. */
  readonly repository?: string | undefined;
  /** HTTP status when a response was received. */
  readonly status?: number | undefined;
}

function where(context: RegistryErrorContext): string {
  return context.repository === undefined
    ? `registry ${context.registry}`
    : `${context.registry}/${context.repository}`;
}

function statusText(status: number | undefined): string {
  return status === undefined ? '' : ` (HTTP ${status})`;
}

export abstract class RegistryError extends TagpilotError {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly status: number | undefined;

  protected constructor(
    code: string,
    context: RegistryErrorContext,
    message: string,
    options: { transient: boolean; cause?: unknown },
  ) {
    super(code, message, options);
    this.registry = context.registry;
    this.repository = context.repository;
    this.status = context.status;
  }
}

/** 401/403: credentials missing, wrong, or lacking pull rights. Permanent for the cycle. */
export class RegistryAuthError extends RegistryError {
  constructor(context: RegistryErrorContext, detail: string) {
    super(
      'REGISTRY_AUTH_REFUSED',
      context,
      `${where(context)}: access refused${statusText(context.status)}: ${detail}`,
      { transient: false },
    );
  }
}

/** 404: the repository, tag or blob does not exist (or is hidden from these credentials). */
export class RegistryNotFoundError extends RegistryError {
  constructor(context: RegistryErrorContext, what: string) {
    super(
      'REGISTRY_NOT_FOUND',
      context,
      `${where(context)}: ${what} not found${statusText(context.status)}; check the image name, or whether the credentials may see it`,
      { transient: false },
    );
  }
}

/** 429 / TOOMANYREQUESTS, or a Docker Hub pull quota too low to spend. Transient. */
export class RegistryRateLimitedError extends RegistryError {
  constructor(
    context: RegistryErrorContext,
    readonly retryAfterMs: number | undefined,
    detail = 'the registry is rate limiting requests',
  ) {
    super(
      'REGISTRY_RATE_LIMITED',
      context,
      `${where(context)}: ${detail}${statusText(context.status)}${retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`}`,
      { transient: true },
    );
  }
}

/** 5xx, connection resets, timeouts: the registry or the network is at fault. Transient. */
export class RegistryUnavailableError extends RegistryError {
  constructor(context: RegistryErrorContext, detail: string, cause?: unknown) {
    super(
      'REGISTRY_UNAVAILABLE',
      context,
      `${where(context)}: registry unavailable${statusText(context.status)}: ${detail}`,
      { transient: true, cause },
    );
  }
}

/** The registry broke the protocol: bad JSON, a foreign `next` link, a digest mismatch. */
export class RegistryProtocolError extends RegistryError {
  constructor(context: RegistryErrorContext, detail: string) {
    super(
      'REGISTRY_PROTOCOL',
      context,
      `${where(context)}: unexpected answer${statusText(context.status)}: ${detail}`,
      { transient: false },
    );
  }
}

/** A redirect tagpilot refuses to follow (https→http, too many hops, no Location). */
export class RegistryRedirectError extends RegistryError {
  constructor(context: RegistryErrorContext, detail: string) {
    super('REGISTRY_REDIRECT_REFUSED', context, `${where(context)}: ${detail}`, {
      transient: false,
    });
  }
}

/** Any other 4xx the client cannot act on. Permanent. */
export class RegistryRequestError extends RegistryError {
  constructor(context: RegistryErrorContext, detail: string) {
    super(
      'REGISTRY_REQUEST_REFUSED',
      context,
      `${where(context)}: request refused${statusText(context.status)}: ${detail}`,
      { transient: false },
    );
  }
}

/** A registry setting tagpilot cannot use (unreadable CA file, bad mirror URL). */
export class RegistryConfigError extends RegistryError {
  constructor(registry: string, detail: string) {
    super('REGISTRY_CONFIG_INVALID', { registry }, `registry ${registry}: ${detail}`, {
      transient: false,
    });
  }
}
