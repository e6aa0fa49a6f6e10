/**
 * Per-host politeness: a `bottleneck` queue per registry host with a concurrency cap and a
 * request rate. A 429 halves the host's rate and blocks it for `Retry-After`; the rate then
 * recovers by a small step per success ("recover slowly"). Docker Hub's `ratelimit-remaining`
 * (pulls.md) is tracked so requests that count as pulls stop before the quota reaches zero.
 */
import Bottleneck from 'bottleneck';

export interface HostRate {
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Requests per second. */
  readonly perSecond: number;
}

/**
 * Defaults per known host: Docker Hub's abuse limit is "thousands per minute" per IP
 * (docker-hub/usage) and its token service is shared, so stay far below; ECR's registry API
 * quotas are per-account in the hundreds to thousands per second (ECR service quotas).
 */
export const DEFAULT_RATES: Readonly<Record<string, HostRate>> = {
  'registry-1.docker.io': { concurrency: 4, perSecond: 10 },
  'auth.docker.io': { concurrency: 2, perSecond: 5 },
  'ghcr.io': { concurrency: 6, perSecond: 20 },
  'quay.io': { concurrency: 6, perSecond: 20 },
};
export const FALLBACK_RATE: HostRate = { concurrency: 8, perSecond: 50 };

/** After a halving, each success shortens the gap by this factor until back at the base. */
const RECOVERY_FACTOR = 0.97;
/** Slowest a 429 storm may push a host: one request per this many ms. */
const MAX_GAP_MS = 30_000;

export interface PullQuota {
  readonly remaining: number;
  readonly windowSeconds: number | undefined;
}

export interface LimiterOptions {
  readonly rates?: Readonly<Record<string, Partial<HostRate>>>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pull-counting requests stop when the remaining quota is at or below this. */
  readonly pullReserve?: number;
}

interface HostState {
  readonly limiter: Bottleneck;
  readonly baseGap: number;
  gap: number;
  blockedUntil: number;
  quota: PullQuota | undefined;
  /** Smallest spacing between pull-counting requests while the quota is low. */
  pullGap: number;
  lastPullAt: number;
}

export class HostLimiter {
  readonly #hosts = new Map<string, HostState>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly pullReserve: number;

  constructor(readonly options: LimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.pullReserve = options.pullReserve ?? 10;
  }

  rateFor(host: string): HostRate {
    const base = DEFAULT_RATES[host] ?? FALLBACK_RATE;
    return { ...base, ...this.options.rates?.[host] };
  }

  #state(host: string): HostState {
    let state = this.#hosts.get(host);
    if (state === undefined) {
      const rate = this.rateFor(host);
      const gap = Math.ceil(1000 / rate.perSecond);
      state = {
        limiter: new Bottleneck({ maxConcurrent: rate.concurrency, minTime: gap }),
        baseGap: gap,
        gap,
        blockedUntil: 0,
        quota: undefined,
        pullGap: 0,
        lastPullAt: Number.NEGATIVE_INFINITY,
      };
      this.#hosts.set(host, state);
    }
    return state;
  }

  /** Runs `task` in the host's queue, after any Retry-After block has passed. */
  async schedule<T>(host: string, task: () => Promise<T>): Promise<T> {
    const state = this.#state(host);
    return state.limiter.schedule(async () => {
      const wait = state.blockedUntil - this.#now();
      if (wait > 0) await this.#sleep(wait);
      return task();
    });
  }

  /** A 429: halve the rate, block the host for `retryAfterMs` (or one current gap). */
  throttled(host: string, retryAfterMs: number | undefined): void {
    const state = this.#state(host);
    state.gap = Math.min(MAX_GAP_MS, state.gap * 2);
    state.limiter.updateSettings({ minTime: state.gap });
    state.blockedUntil = Math.max(state.blockedUntil, this.#now() + (retryAfterMs ?? state.gap));
  }

  /** A success: recover a little of the rate lost to 429s. */
  succeeded(host: string): void {
    const state = this.#state(host);
    if (state.gap <= state.baseGap) return;
    state.gap = Math.max(state.baseGap, Math.floor(state.gap * RECOVERY_FACTOR));
    state.limiter.updateSettings({ minTime: state.gap });
  }

  /** Current gap between request starts for `host`, in ms (for stats and tests). */
  gapFor(host: string): number {
    return this.#state(host).gap;
  }

  /**
   * Docker Hub pull quota as last reported. When it runs low, pull-counting requests are spread
   * over what is left of the window (one per window/remaining) instead of spent at once; the
   * requests that do not count (HEAD, tag lists) keep their normal rate.
   */
  recordQuota(host: string, quota: PullQuota): void {
    const state = this.#state(host);
    state.quota = quota;
    state.pullGap =
      quota.windowSeconds !== undefined &&
      quota.remaining > 0 &&
      quota.remaining <= this.pullReserve * 4
        ? Math.ceil((quota.windowSeconds * 1000) / quota.remaining)
        : 0;
  }

  /**
   * Takes one pull-counting request from `host`'s quota if the quota allows it now; checked and
   * taken in one step so concurrent requests cannot all pass the check.
   */
  takePull(host: string): boolean {
    const state = this.#hosts.get(host);
    if (state?.quota === undefined) return true;
    if (state.quota.remaining <= this.pullReserve) return false;
    const now = this.#now();
    if (now < state.lastPullAt + state.pullGap) return false;
    state.lastPullAt = now;
    // Local estimate until the next response reports the real figure.
    state.quota = { ...state.quota, remaining: state.quota.remaining - 1 };
    return true;
  }

  quotaFor(host: string): PullQuota | undefined {
    return this.#hosts.get(host)?.quota;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.#hosts.values()].map((state) => state.limiter.stop({ dropWaitingJobs: false })),
    );
  }
}
