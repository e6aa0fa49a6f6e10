/** A token bucket per receiver: `burst` deliveries at once, refilled at `perMinute`. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Takes one token; false when none is left (answer 429). */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perMinute) / 60_000);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Seconds until the next token (for `Retry-After`). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 60) / this.perMinute));
  }
}
