/**
 * Typed failures of the SSH transport. Messages name the host (and the key fingerprint seen, for
 * host-key problems) and never contain key material or passphrases.
 */
import { TagpilotError } from '../../../errors/index.js';

/** The remote URL is not an SSH URL git would accept, or is unsafe to pass to a remote shell. */
export class GitUrlInvalid extends TagpilotError {
  constructor(message: string) {
    super('GIT_URL_INVALID', message);
  }
}

/** The server presented a host key that `known_hosts` does not list for this host. */
export class SshHostKeyUnknown extends TagpilotError {
  constructor(
    readonly host: string,
    readonly fingerprint: string,
    readonly keyType: string,
    knownHostsSource: string,
  ) {
    super(
      'GIT_SSH_HOST_KEY_UNKNOWN',
      `SSH host ${host} is not in ${knownHostsSource}; it presented ${keyType} key ${fingerprint}. ` +
        `Add the host's key to the known_hosts file after checking the fingerprint out of band.`,
    );
  }
}

/** The server's host key differs from (or is revoked in) the one `known_hosts` lists. */
export class SshHostKeyMismatch extends TagpilotError {
  constructor(
    readonly host: string,
    readonly fingerprint: string,
    readonly keyType: string,
    detail: string,
  ) {
    super(
      'GIT_SSH_HOST_KEY_MISMATCH',
      `SSH host key for ${host} does not match: it presented ${keyType} key ${fingerprint}, ${detail}. ` +
        `Refusing to connect (possible man-in-the-middle, or the host key was rotated).`,
    );
  }
}

/** The private key (or its passphrase, or the known_hosts file) could not be read or parsed. */
export class SshKeyInvalid extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_SSH_KEY_INVALID', message, options);
  }
}

/** The server refused our key (wrong key, key not authorised, user unknown). */
export class SshAuthFailed extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_SSH_AUTH_FAILED', message, options);
  }
}

/** Connecting, the handshake or a read failed or timed out; worth retrying later. */
export class SshConnectionFailed extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_SSH_CONNECTION_FAILED', message, { transient: true, ...options });
  }
}

/** The remote `git-upload-pack`/`git-receive-pack` failed (no such repository, denied, ...). */
export class SshRemoteCommandFailed extends TagpilotError {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super('GIT_SSH_REMOTE_FAILED', message);
  }
}
