/**
 * Time for the cluster layer. Lease expiry is judged only on the monotonic clock (time since
 * this process last saw a Lease change, as client-go's leaderelection does), so a node whose
 * wall clock is wrong cannot take a Lease early; the wall clock is used only for the times
 * written into objects (renewTime, eventTime), and tests may shift it.
 */
export interface Clock {
  /** Milliseconds on a clock that never jumps (performance.now), for durations only. */
  monotonic(): number;
  /** Milliseconds since the epoch, for timestamps written into API objects. */
  wall(): number;
}

export function systemClock(wallClockOffsetMs = 0): Clock {
  return {
    monotonic: () => performance.now(),
    wall: () => Date.now() + wallClockOffsetMs,
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Capped exponential back-off with full jitter: attempt 1 waits up to `base`, then doubles. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
