/**
 * Turns isomorphic-git and network failures into the Git layer's typed errors, with messages
 * that name the host (never a URL with credentials) and what the user can do.
 */
import git from 'isomorphic-git';
import { TagpilotError } from '../errors/index.js';
import {
  GitAuthFailed,
  GitProtocolError,
  GitRefNotFound,
  GitRemoteUnavailable,
  PushRefused,
} from './errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

export type RemoteAction = 'fetch' | 'push';

/** Maps an HTTP status on `host` to a typed error. */
export function httpStatusError(
  status: number,
  statusMessage: string,
  host: string,
  action: RemoteAction,
  ref: string,
  hasCredentials: boolean,
): TagpilotError {
  const what = `HTTP ${status}${statusMessage === '' ? '' : ` ${statusMessage}`}`;
  if (status === 401) {
    return new GitAuthFailed(
      hasCredentials
        ? `${host} refused the configured Git credentials (${what}); check git.tokenFile and git.username`
        : `${host} requires credentials to ${action} (${what}); set git.tokenFile (and git.username) or an SSH key`,
    );
  }
  if (status === 403 && action === 'push') {
    return new PushRefused(
      hasCredentials
        ? `the credentials for ${host} can read but not push (${what}); give the token or key write access to the repository`
        : `${host} does not allow anonymous pushes (${what}); configure credentials with write access`,
      ref,
      undefined,
    );
  }
  if (status === 403) {
    return new GitAuthFailed(
      `${host} forbids reading the repository with these credentials (${what})`,
    );
  }
  if (status === 404) {
    return new GitRefNotFound(
      `${host} has no such repository (${what}), or hides it from these credentials`,
    );
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new GitRemoteUnavailable(`${host} is unavailable (${what}); will retry`);
  }
  return new GitProtocolError(`${host} answered the ${action} with ${what}`);
}

/** Narrows anything thrown by isomorphic-git or the transport. */
export function remoteError(
  error: unknown,
  host: string,
  action: RemoteAction,
  ref: string,
  hasCredentials: boolean,
): unknown {
  if (error instanceof TagpilotError) return error;
  if (error instanceof git.Errors.HttpError) {
    return httpStatusError(
      error.data.statusCode,
      error.data.statusMessage,
      host,
      action,
      ref,
      hasCredentials,
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new GitRemoteUnavailable(`cannot reach ${host} to ${action} (${code}); will retry`, {
      cause: error,
    });
  }
  if (error instanceof git.Errors.SmartHttpError || error instanceof git.Errors.ParseError) {
    return new GitProtocolError(
      `${host} answered the ${action} with something that is not the Git smart-HTTP protocol: ${error.message}`,
    );
  }
  return error;
}
