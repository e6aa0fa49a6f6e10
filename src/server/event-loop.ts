/**
 * The event loop's own heartbeat for `/livez`: a timer that should fire every second. When the
 * loop is starved (a CPU-bound step, a synchronous read of a huge file) the timer fires late and
 * the lag shows; a lag over `server.eventLoopLagLimit` fails liveness until the next tick on time
 * (the probe's failureThreshold decides how long a starved loop may last).
 */
export const EVENT_LOOP_TICK_MS = 1000;

export class EventLoopMonitor {
  #lastTick: number;
  #lagMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.#lastTick = now();
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.tick();
    }, EVENT_LOOP_TICK_MS).unref();
  }

  /** One heartbeat (the timer's callback; tests call it with their own clock). */
  tick(): void {
    const at = this.now();
    this.#lagMs = Math.max(0, at - this.#lastTick - EVENT_LOOP_TICK_MS);
    this.#lastTick = at;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The last measured lag, or the time since the last tick when it is overdue. */
  lagMs(): number {
    const overdue = this.now() - this.#lastTick - EVENT_LOOP_TICK_MS;
    return Math.max(this.#lagMs, overdue);
  }
}
