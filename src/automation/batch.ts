/**
 * The batching window of `tagpilot run`'s loop (docs/automation.md, "Safety rails"): updates
 * that appear within `windowMs` of the first pending one are committed together. Pure state
 * transitions, so the loop's timing is tested without timers.
 */
export interface BatchState {
  /** When the loop first saw updates it has not written yet (ms since the epoch). */
  readonly firstPending: number | undefined;
}

/** Whether this cycle may write: no window, or the first pending update is old enough. */
export function mayWrite(state: BatchState, windowMs: number, now: number): boolean {
  return (
    windowMs <= 0 || (state.firstPending !== undefined && now - state.firstPending >= windowMs)
  );
}

/** The state after a cycle with this outcome. */
export function afterCycle(
  state: BatchState,
  outcome: 'committed' | 'no-change' | 'dry-run' | 'suspended' | 'push-failed',
  now: number,
): BatchState {
  if (outcome === 'dry-run') return { firstPending: state.firstPending ?? now };
  // A push that failed keeps its updates pending: the next cycle may write at once.
  if (outcome === 'push-failed') return state;
  return { firstPending: undefined };
}

/** How long to sleep before the next cycle: the interval, or less to close an open window. */
export function nextDelay(
  state: BatchState,
  windowMs: number,
  intervalMs: number,
  now: number,
): number {
  if (state.firstPending === undefined || windowMs <= 0) return intervalMs;
  return Math.max(0, Math.min(intervalMs, state.firstPending + windowMs - now));
}
