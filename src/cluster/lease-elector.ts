/**
 * Holds one `coordination.k8s.io/v1` Lease, as client-go's leaderelection package does
 * (docs/decisions/0142-lease-election.md), because `@kubernetes/client-node` has none:
 * - acquire: read the Lease; a holder other than us keeps it until `leaseDurationSeconds` have
 *   passed on *our monotonic clock* since we last saw the Lease change — never by comparing its
 *   `renewTime` with our wall clock, so clock skew between nodes cannot make two holders;
 * - every write carries the resourceVersion it was based on; a 409 means someone else wrote
 *   first: acquiring fails, and a holder steps down at once, before any further push;
 * - renew every retry period; a holder that could not renew for `renewDeadline` steps down;
 * - `mayAct()` (checked right before each push) is true only while the last successful renew
 *   was *sent* less than `renewDeadline` ago, so a push never outlives what others can see;
 * - `stop()` steps down first, then releases the Lease (empty holder) so a successor need not
 *   wait for expiry.
 */
import type { V1Lease } from '@kubernetes/client-node';
import { sleep, systemClock, type Clock } from './clock.js';
import { hasStatus, toClusterError, type ClusterError } from './errors.js';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  microTime,
  type LeaseAccess,
  type ObservedLease,
} from './lease-access.js';

export interface LeaseTimings {
  readonly durationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** Flux's defaults (fluxcd/pkg runtime/leaderelection): 35 s, 30 s, 5 s. */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = {
  durationMs: 35_000,
  renewDeadlineMs: 30_000,
  retryPeriodMs: 5_000,
};

export type LeadershipChange =
  | { readonly leading: true }
  | {
      readonly leading: false;
      readonly reason: 'conflict' | 'deadline' | 'released' | 'stopped';
      readonly error?: ClusterError;
    };

export interface LeaseElectorOptions {
  readonly name: string;
  readonly identity: string;
  readonly access: LeaseAccess;
  readonly timings: LeaseTimings;
  readonly clock?: Clock;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Entered right before taking a free or expired Lease and left when the write is answered;
   * `enter()` false means "not now" (sharding limits how many Leases one replica holds and
   * counts acquisitions still in flight).
   */
  readonly acquireGate?: { enter(): boolean; leave(): void };
  readonly onError?: (error: ClusterError) => void;
  readonly random?: () => number;
}

interface Observation {
  readonly version: string;
  readonly at: number;
}

export class LeaseElector {
  readonly #options: LeaseElectorOptions;
  readonly #clock: Clock;
  readonly #listeners = new Set<(change: LeadershipChange) => void>();
  #stop = new AbortController();
  #running: Promise<void> | undefined;
  #observation: Observation | undefined;
  #lease: V1Lease | undefined;
  #leading = false;
  #lastRenewSentAt = Number.NEGATIVE_INFINITY;
  #holder: string | undefined;
  /** Attempts and releases run one at a time, so a renew in flight cannot undo a release. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LeaseElectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock();
  }

  get name(): string {
    return this.#options.name;
  }

  get identity(): string {
    return this.#options.identity;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last seen in the Lease (ourselves while leading), if any. */
  holder(): string | undefined {
    return this.#leading ? this.#options.identity : this.#holder;
  }

  /** Milliseconds since the last successful acquire or renew was sent; Infinity before any. */
  lastRenewAge(): number {
    return this.#clock.monotonic() - this.#lastRenewSentAt;
  }

  /** True while leading and the last successful renew is younger than the renew deadline. */
  mayAct(): boolean {
    return this.#leading && this.lastRenewAge() < this.#options.timings.renewDeadlineMs;
  }

  onChange(listener: (change: LeadershipChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running !== undefined) return;
    this.#stop = new AbortController();
    this.#running = this.#loop(this.#stop.signal);
  }

  /**
   * Ends the loop, steps down (listeners first) and releases the Lease if held. With
   * `release: false` the Lease is left to expire, as after a crash (tests use it).
   */
  async stop(options: { readonly release?: boolean } = {}): Promise<void> {
    this.#stop.abort();
    await this.#running;
    this.#running = undefined;
    if (options.release === false) this.#stepDown({ leading: false, reason: 'stopped' });
    else await this.release('stopped');
  }

  /** Gives the Lease up now (sharding sheds repositories this way); the loop keeps running. */
  release(reason: 'released' | 'stopped' = 'released'): Promise<void> {
    return this.#exclusive(() => this.#release(reason));
  }

  async #release(reason: 'released' | 'stopped'): Promise<void> {
    const lease = this.#lease;
    if (!this.#leading || lease === undefined) return;
    this.#stepDown({ leading: false, reason });
    const now = microTime(this.#clock.wall());
    const released: V1Lease = {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: undefined,
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      },
    };
    try {
      this.#lease = await this.#options.access.replace(released);
    } catch (error: unknown) {
      // A lost release only means successors wait for expiry.
      this.#options.onError?.(toClusterError(error, `releasing Lease ${this.#options.name}`));
    }
  }

  /** One acquire-or-renew attempt; true when we hold the Lease afterwards. */
  tryAcquireOrRenew(): Promise<boolean> {
    return this.#exclusive(() => this.#tryAcquireOrRenew());
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const sentAt = this.#clock.monotonic();
    if (this.#leading && this.#lease !== undefined) return this.#renew(this.#lease, sentAt);
    const observed = await this.#options.access.get(this.#options.name);
    if (observed === undefined) return this.#gated(() => this.#create(sentAt));
    this.#observe(observed);
    const spec = observed.lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.#holder = holder === '' ? undefined : holder;
    if (
      holder !== '' &&
      holder !== this.#options.identity &&
      !this.#expired(spec.leaseDurationSeconds)
    )
      return false;
    if (holder === this.#options.identity) return this.#take(observed.lease, holder, sentAt);
    return this.#gated(() => this.#take(observed.lease, holder, sentAt));
  }

  async #gated(acquire: () => Promise<boolean>): Promise<boolean> {
    const gate = this.#options.acquireGate;
    if (gate === undefined) return acquire();
    if (!gate.enter()) return false;
    try {
      return await acquire();
    } finally {
      gate.leave();
    }
  }

  #expired(leaseDurationSeconds: number | undefined): boolean {
    const durationMs = (leaseDurationSeconds ?? this.#options.timings.durationMs / 1000) * 1000;
    const seenAt = this.#observation?.at ?? this.#clock.monotonic();
    return this.#clock.monotonic() - seenAt >= durationMs;
  }

  #observe(observed: ObservedLease): void {
    const version = observed.lease.metadata?.resourceVersion ?? '';
    if (this.#observation?.version === version) return;
    this.#observation = { version, at: observed.observedAt ?? this.#clock.monotonic() };
  }

  #record(previous: V1Lease['spec'], holderWas: string): NonNullable<V1Lease['spec']> {
    const now = microTime(this.#clock.wall());
    const keeping = holderWas === this.#options.identity;
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.ceil(this.#options.timings.durationMs / 1000),
      acquireTime: keeping ? (previous?.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (keeping ? 0 : 1),
    };
  }

  async #create(sentAt: number): Promise<boolean> {
    const lease: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.#options.name,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY, ...this.#options.labels },
      },
      spec: { ...this.#record(undefined, ''), leaseTransitions: 0 },
    };
    try {
      this.#won(await this.#options.access.create(lease), sentAt);
      return true;
    } catch (error: unknown) {
      if (hasStatus(error, 409)) return false; // another replica created it first
      throw error;
    }
  }

  async #take(current: V1Lease, holderWas: string, sentAt: number): Promise<boolean> {
    const lease: V1Lease = { ...current, spec: this.#record(current.spec, holderWas) };
    try {
      this.#won(await this.#options.access.replace(lease), sentAt);
      return true;
    } catch (error: unknown) {
      if (hasStatus(error, 409)) return false;
      throw error;
    }
  }

  async #renew(current: V1Lease, sentAt: number): Promise<boolean> {
    const lease: V1Lease = { ...current, spec: this.#record(current.spec, this.#options.identity) };
    try {
      this.#won(await this.#options.access.replace(lease), sentAt);
      return true;
    } catch (error: unknown) {
      if (hasStatus(error, 409)) {
        // Someone else wrote the Lease: we may no longer be the holder. Stop at once.
        this.#stepDown({
          leading: false,
          reason: 'conflict',
          error: toClusterError(error, `renewing Lease ${this.#options.name}`),
        });
        return false;
      }
      throw error;
    }
  }

  #won(lease: V1Lease, sentAt: number): void {
    this.#lease = lease;
    this.#lastRenewSentAt = sentAt;
    this.#observation = { version: lease.metadata?.resourceVersion ?? '', at: sentAt };
    this.#holder = this.#options.identity;
    if (!this.#leading) {
      this.#leading = true;
      for (const listener of this.#listeners) listener({ leading: true });
    }
  }

  #stepDown(change: Extract<LeadershipChange, { leading: false }>): void {
    if (!this.#leading) return;
    this.#leading = false;
    for (const listener of this.#listeners) listener(change);
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.#options.timings;
    const random = this.#options.random ?? Math.random;
    while (!signal.aborted) {
      const wasLeading = this.#leading;
      try {
        await this.#attempt(signal);
      } catch (error: unknown) {
        this.#options.onError?.(
          toClusterError(error, `acquiring or renewing Lease ${this.#options.name}`),
        );
      }
      if (wasLeading && this.#leading && this.lastRenewAge() >= renewDeadlineMs) {
        this.#stepDown({ leading: false, reason: 'deadline' });
      }
      // Standbys poll with jitter (client-go: factor 1.2) so they do not knock together.
      const wait = this.#leading ? retryPeriodMs : retryPeriodMs * (1 + random() * 1.2);
      await sleep(wait, signal);
    }
  }

  /** One attempt, abandoned when the renew deadline passes first (a hung request must not block). */
  async #attempt(signal: AbortSignal): Promise<void> {
    if (!this.#leading) {
      await this.tryAcquireOrRenew();
      return;
    }
    const remaining = this.#options.timings.renewDeadlineMs - this.lastRenewAge();
    const deadline = new AbortController();
    const timeout = sleep(Math.max(0, remaining), AbortSignal.any([signal, deadline.signal])).then(
      () => 'timeout' as const,
    );
    const result = await Promise.race([this.tryAcquireOrRenew(), timeout]);
    deadline.abort();
    if (
      result === 'timeout' &&
      this.isLeader() &&
      this.lastRenewAge() >= this.#options.timings.renewDeadlineMs
    ) {
      this.#stepDown({ leading: false, reason: 'deadline' });
    }
  }
}
