/**
 * The cluster layer's typed errors (docs/decisions/0003-typed-errors.md). An API answer becomes
 * one `ClusterApiError` whose code follows the HTTP status the API server sent (Kubernetes API
 * conventions, "HTTP Status codes"); `transient` is true only for what a retry can fix.
 */
import { ApiException } from '@kubernetes/client-node';
import { TagpilotError } from '../errors/index.js';

export class ClusterError extends TagpilotError {}

/** Bad cluster settings: an unreadable kubeconfig, an unknown context. */
export class ClusterConfigError extends ClusterError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CLUSTER_CONFIG', message, options);
  }
}

const CODES: Readonly<Record<number, string>> = {
  400: 'CLUSTER_BAD_REQUEST',
  401: 'CLUSTER_UNAUTHORIZED',
  403: 'CLUSTER_FORBIDDEN',
  404: 'CLUSTER_NOT_FOUND',
  409: 'CLUSTER_CONFLICT',
  410: 'CLUSTER_GONE',
  422: 'CLUSTER_INVALID',
};

/** An answer (or no answer) from the API server to one request. */
export class ClusterApiError extends ClusterError {
  constructor(
    message: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The `reason` of the server's Status object (`Forbidden`, `Conflict`, `Expired`, ...). */
    readonly reason: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(CODES[status] ?? 'CLUSTER_UNAVAILABLE', message, {
      // 429 and 5xx are the server's to fix; 0 is a refused or reset connection.
      transient: status === 0 || status === 429 || status >= 500,
      ...options,
    });
  }
}

interface StatusBody {
  readonly message?: unknown;
  readonly reason?: unknown;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  // The client's Watch rejects with an Error carrying `statusCode` (watch.js).
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Narrows whatever the client threw into a `ClusterApiError` that says what was attempted. */
export function toClusterError(error: unknown, what: string): ClusterError {
  if (error instanceof ClusterError) return error;
  const status = statusOf(error);
  if (status === undefined) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const detail =
      typeof cause?.code === 'string'
        ? cause.code
        : error instanceof Error
          ? error.message
          : String(error);
    return new ClusterApiError(
      `${what}: the API server could not be reached (${detail})`,
      0,
      undefined,
      {
        cause: error,
      },
    );
  }
  const body = parseStatus(error instanceof ApiException ? (error.body as unknown) : undefined);
  const message = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  return new ClusterApiError(`${what}: ${message}`, status, reason, { cause: error });
}

/** True when `error` is the API server's answer with this status. */
export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof ClusterApiError && error.status === status;
}
