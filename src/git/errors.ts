/**
 * The Git layer's typed errors (docs/decisions/0003-typed-errors.md). Codes are stable; callers
 * decide retries from `transient` alone. `PushRaced` and `PushRefused` live in types.ts (the
 * contract) and are re-exported here so one import covers every Git error.
 */
import { TagpilotError } from '../errors/index.js';

export { PushRaced, PushRefused } from './types.js';

/** Base of the Git errors defined in this file. */
export class GitError extends TagpilotError {}

/** The remote could not be reached or answered 5xx / timed out: try again later. */
export class GitRemoteUnavailable extends GitError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_REMOTE_UNAVAILABLE', message, { transient: true, ...options });
  }
}

/** The remote refused our credentials (HTTP 401) or none were configured where needed. */
export class GitAuthFailed extends GitError {
  constructor(message: string) {
    super('GIT_AUTH_FAILED', message);
  }
}

/** The configured branch does not exist on the remote. */
export class GitRefNotFound extends GitError {
  constructor(message: string) {
    super('GIT_REF_NOT_FOUND', message);
  }
}

/** The tree after the edit equals the parent's: tagpilot never writes an empty commit. */
export class GitNothingToCommit extends GitError {
  constructor(message: string) {
    super('GIT_NOTHING_TO_COMMIT', message);
  }
}

/** A write names a path that cannot be edited (through a file, a submodule, `..`, empty). */
export class GitPathInvalid extends GitError {
  constructor(message: string) {
    super('GIT_PATH_INVALID', message);
  }
}

/** The server's reply did not follow the smart-HTTP protocol. */
export class GitProtocolError extends GitError {
  constructor(message: string) {
    super('GIT_PROTOCOL', message);
  }
}

/** Bad Git settings (URL scheme, missing user name for a token, unreadable token file). */
export class GitConfigError extends GitError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_CONFIG', message, options);
  }
}

/** Who holds a gitdir lock (as written in the lock file). */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** Random per process (absent in lock files of older versions). */
  readonly id?: string;
}

/** Another live process holds the gitdir lock; transient: it will be released. */
export class GitLockHeld extends GitError {
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super('GIT_LOCK_HELD', message, { transient: true });
  }
}
