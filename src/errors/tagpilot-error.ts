/**
 * The root of every error tagpilot throws on purpose. Each edge (image, policy, registry, git,
 * manifests, config, ...) defines its own subclasses with stable `code`s; callers narrow `unknown`
 * catch values with `instanceof` and decide on retries from `transient` alone
 * (docs/decisions/0003-typed-errors.md).
 */
export class TagpilotError extends Error {
  /** Stable, machine-readable code, e.g. `IMAGE_REF_INVALID`, `REGISTRY_RATE_LIMITED`. */
  readonly code: string;
  /** True when trying again later may succeed (429, 5xx, timeouts, push races). */
  readonly transient: boolean;

  constructor(
    code: string,
    message: string,
    options: { transient?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.transient = options.transient ?? false;
  }
}

/** Narrows an unknown catch value to a message without ever printing `[object Object]`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
