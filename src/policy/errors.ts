import { TagpilotError } from '../errors/index.js';

/** A policy expression or annotation that does not parse: a user error, never transient. */
export class PolicyError extends TagpilotError {
  constructor(
    /** The annotation key the expression came from, when known. */
    readonly annotation: string | undefined,
    readonly expression: string,
    readonly problem: string,
  ) {
    super(
      'POLICY_INVALID',
      `${annotation === undefined ? 'policy' : `annotation ${annotation}`}: invalid policy ${JSON.stringify(expression)}: ${problem}`,
    );
  }
}
