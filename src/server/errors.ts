/** The server's typed errors (docs/decisions/0003-typed-errors.md). */
import { TagpilotError } from '../errors/index.js';

/** A listener could not start (address in use, permission): the operator's to fix. */
export class ServerListenError extends TagpilotError {
  constructor(
    readonly listener: 'webhooks' | 'health',
    readonly address: string,
    readonly port: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'SERVER_LISTEN',
      `cannot listen for ${listener} on ${address}:${port}: ${reason} (set server.${listener}.port or .address)`,
      { cause },
    );
  }
}

/** A request body over its receiver's cap (413). */
export class BodyTooLargeError extends TagpilotError {
  constructor(readonly limit: number) {
    super('WEBHOOK_BODY_TOO_LARGE', `request body larger than ${limit} bytes`);
  }
}

/** A status API answer that does not match the schema (`tagpilot status` against a server). */
export class StatusResponseError extends TagpilotError {
  constructor(message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super('STATUS_RESPONSE_INVALID', message, options);
  }
}
