import { TagpilotError } from '../errors/index.js';

/** A configuration problem: always the user's to fix, so the CLI exits 2 on it. */
export class ConfigError extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, options);
  }
}
