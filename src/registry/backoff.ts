/**
 * Jittered exponential back-off ("full jitter", AWS Architecture Blog 2015): the wait before
 * retry `attempt` (1-based) is uniform in [0, min(cap, base · 2^(attempt-1))]. A floor keeps a
 * retry from firing in the same millisecond. Pure: the random source is passed in.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  /** Smallest wait, so a retry never fires immediately. */
  readonly floorMs?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 10_000, floorMs: 50 };

/** Upper bound of the wait before retry `attempt` (1-based), before jitter. */
export function backoffCeiling(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  // 2 ** 60 is still finite; beyond that the cap wins anyway.
  const exponential = options.baseMs * 2 ** Math.min(attempt - 1, 60);
  return Math.min(options.capMs, exponential);
}

/** The wait before retry `attempt`, jittered with `random()` in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = backoffCeiling(attempt, options);
  const floor = Math.min(options.floorMs ?? 0, ceiling);
  return Math.round(floor + (ceiling - floor) * random());
}
