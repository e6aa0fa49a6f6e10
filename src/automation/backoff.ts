/**
 * Jittered exponential back-off for push races (docs/automation.md, "Races"). A tested helper,
 * not inline arithmetic (STYLE.md "What to avoid" 11: `^` is XOR in TypeScript).
 */
export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  readonly baseMs: number;
  /** Upper bound for any single delay, ms. */
  readonly maxMs: number;
  /** Multiplier per attempt. */
  readonly factor?: number;
}

/**
 * The delay before retry number `attempt` (1-based): "full jitter" — uniform in
 * [0, min(max, base·factor^(attempt-1))] — so two controllers that raced once do not race again
 * in lockstep. `random` returns a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  const factor = options.factor ?? 2;
  const ceiling = Math.min(options.maxMs, options.baseMs * factor ** (attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(ceiling * r);
}
