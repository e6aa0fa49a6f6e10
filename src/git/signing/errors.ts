import { TagpilotError } from '../../errors/index.js';

/** The signing key (or its passphrase) cannot be read, decrypted or used. Names the file only. */
export class SigningKeyInvalid extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_SIGNING_KEY_INVALID', message, options);
  }
}

/** Producing a signature failed (or it did not verify with the key's own public half). */
export class SigningFailed extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('GIT_SIGNING_FAILED', message, options);
  }
}
