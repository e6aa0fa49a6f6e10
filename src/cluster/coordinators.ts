/**
 * `controller.coordination: leader | sharded` on Leases (docs/kubernetes.md, decisions 0142,
 * 0143). Both answer the controller's questions — which repositories do I own, may I push now —
 * and carry triggers received by a non-owner to the owner through the handover ConfigMaps.
 * - leader: one Lease; its holder owns every repository.
 * - sharded: one Lease per repository and one per replica (membership). A replica takes a free
 *   or expired repository Lease only while it holds fewer than ⌈M/N⌉ (N live members, itself
 *   included) and releases its surplus when N grows, so load spreads and a dead replica's
 *   repositories move to the others within lease duration + retry period.
 */
import { createHash } from 'node:crypto';
import type { ClusterClient } from './connect.js';
import type { Clock } from './clock.js';
import { sleep, systemClock } from './clock.js';
import type { ClusterError } from './errors.js';
import { directLeaseAccess, LeaseCache, type LeaseAccess } from './lease-access.js';
import { LeaseElector, type LeaseTimings } from './lease-elector.js';
import type { ListWatchOptions } from './list-watch.js';
import { TriggerHandover, type HandoverTrigger } from './trigger-handover.js';

export interface OwnershipChange {
  readonly repository: string;
  readonly owned: boolean;
}

export interface CoordinatorOptions {
  readonly client: ClusterClient;
  /** This replica (its Pod name). */
  readonly identity: string;
  readonly timings: LeaseTimings;
  readonly watch: ListWatchOptions;
  /** `cluster.lease.name` (leader mode). */
  readonly leaseName?: string;
  readonly clock?: Clock;
  readonly onError?: (error: ClusterError) => void;
}

/** What the controller needs from any Lease-based coordination. */
export interface LeaseCoordinator {
  start(repositories: readonly string[]): Promise<void>;
  /** `release: false` leaves the Leases to expire, as after a crash (tests use it). */
  stop(options?: { readonly release?: boolean }): Promise<void>;
  owns(repository: string): boolean;
  /** Right before a push: owned, and the Lease was renewed less than renewDeadline ago. */
  mayPush(repository: string): boolean;
  /** Milliseconds since the repository's Lease was last renewed by us (Infinity: not ours). */
  lastRenewAge(repository: string): number;
  onChange(listener: (change: OwnershipChange) => void): () => void;
  /** Triggers handed over by other replicas, for repositories this replica owns. */
  onTriggers(
    listener: (repository: string, triggers: readonly HandoverTrigger[]) => void,
  ): () => void;
  handOver(repository: string, trigger: Omit<HandoverTrigger, 'from' | 'at'>): Promise<void>;
}

export const ROLE_LABEL = 'tagpilot.io/lease-role';

function shortHash(text: string): string {
  return createHash('sha256').update(text.trim()).digest('hex').slice(0, 16);
}

export function repositoryLeaseName(repository: string): string {
  return `tagpilot-repo-${shortHash(repository)}`;
}

export function memberLeaseName(identity: string): string {
  return `tagpilot-member-${shortHash(identity)}`;
}

/** Shared parts: listeners, the handover and its draining. */
abstract class BaseCoordinator implements LeaseCoordinator {
  protected readonly options: CoordinatorOptions;
  protected readonly handover: TriggerHandover;
  protected repositories: readonly string[] = [];
  readonly #changeListeners = new Set<(change: OwnershipChange) => void>();
  readonly #triggerListeners = new Set<
    (repository: string, triggers: readonly HandoverTrigger[]) => void
  >();

  constructor(options: CoordinatorOptions) {
    this.options = options;
    this.handover = new TriggerHandover(options.client, options.identity, options.watch);
    this.handover.onPending((repository) => {
      if (this.owns(repository)) void this.drain(repository);
    });
  }

  abstract owns(repository: string): boolean;
  abstract mayPush(repository: string): boolean;
  abstract lastRenewAge(repository: string): number;
  protected abstract startLeases(): Promise<void>;
  protected abstract stopLeases(release: boolean): Promise<void>;

  async start(repositories: readonly string[]): Promise<void> {
    this.repositories = [...new Set(repositories)];
    this.handover.start();
    await this.startLeases();
  }

  async stop(options: { readonly release?: boolean } = {}): Promise<void> {
    await this.stopLeases(options.release !== false);
    await this.handover.stop();
  }

  onChange(listener: (change: OwnershipChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onTriggers(
    listener: (repository: string, triggers: readonly HandoverTrigger[]) => void,
  ): () => void {
    this.#triggerListeners.add(listener);
    return () => this.#triggerListeners.delete(listener);
  }

  handOver(repository: string, trigger: Omit<HandoverTrigger, 'from' | 'at'>): Promise<void> {
    return this.handover.handOver(repository, trigger);
  }

  protected changed(repository: string, owned: boolean): void {
    for (const listener of this.#changeListeners) listener({ repository, owned });
    // Triggers handed over while nobody (or the previous owner) held it are taken now.
    if (owned) void this.drain(repository);
  }

  protected async drain(repository: string): Promise<void> {
    try {
      const triggers = await this.handover.drain(repository);
      if (triggers.length === 0) return;
      for (const listener of this.#triggerListeners) listener(repository, triggers);
    } catch (error: unknown) {
      this.options.onError?.(error as ClusterError);
    }
  }
}

/** `coordination: leader`: one Lease, its holder owns everything. */
export class LeaderCoordinator extends BaseCoordinator {
  readonly #elector: LeaseElector;

  constructor(
    options: CoordinatorOptions,
    access: LeaseAccess = directLeaseAccess(options.client),
  ) {
    super(options);
    this.#elector = new LeaseElector({
      name: options.leaseName ?? 'tagpilot-leader',
      identity: options.identity,
      access,
      timings: options.timings,
      labels: { [ROLE_LABEL]: 'leader' },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    this.#elector.onChange((change) => {
      for (const repository of this.repositories) this.changed(repository, change.leading);
    });
  }

  owns(repository: string): boolean {
    return this.#elector.isLeader() && this.repositories.includes(repository);
  }

  mayPush(repository: string): boolean {
    return this.owns(repository) && this.#elector.mayAct();
  }

  lastRenewAge(repository: string): number {
    return this.owns(repository) ? this.#elector.lastRenewAge() : Number.POSITIVE_INFINITY;
  }

  protected startLeases(): Promise<void> {
    this.#elector.start();
    return Promise.resolve();
  }

  protected stopLeases(release: boolean): Promise<void> {
    return this.#elector.stop({ release });
  }
}

/** `coordination: sharded`: one Lease per repository, spread over the live replicas. */
export class ShardedCoordinator extends BaseCoordinator {
  readonly #cache: LeaseCache;
  readonly #clock: Clock;
  readonly #member: LeaseElector;
  readonly #electors = new Map<string, LeaseElector>();
  #balancing: Promise<void> | undefined;
  readonly #stop = new AbortController();
  #acquiring = false;
  /** One acquisition at a time, and only below ⌈M/N⌉ (in-flight ones would not be counted). */
  readonly #gate = {
    enter: (): boolean => {
      if (this.#acquiring || this.owned().length >= this.target()) return false;
      this.#acquiring = true;
      return true;
    },
    leave: (): void => {
      this.#acquiring = false;
    },
  };

  constructor(options: CoordinatorOptions) {
    super(options);
    this.#clock = options.clock ?? systemClock();
    const clock = this.#clock;
    this.#cache = new LeaseCache(options.client, {
      ...options.watch,
      now: () => clock.monotonic(),
    });
    this.#member = new LeaseElector({
      name: memberLeaseName(options.identity),
      identity: options.identity,
      access: this.#cache,
      timings: options.timings,
      labels: { [ROLE_LABEL]: 'member' },
      clock,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  owns(repository: string): boolean {
    return this.#electors.get(repository)?.isLeader() === true;
  }

  mayPush(repository: string): boolean {
    return this.#electors.get(repository)?.mayAct() === true;
  }

  lastRenewAge(repository: string): number {
    const elector = this.#electors.get(repository);
    return elector?.isLeader() === true ? elector.lastRenewAge() : Number.POSITIVE_INFINITY;
  }

  /** Repositories this replica owns now. */
  owned(): string[] {
    return this.repositories.filter((repository) => this.owns(repository));
  }

  /** Live replicas (itself included): member Leases seen to change within their duration. */
  liveMembers(): number {
    const now = this.#clock.monotonic();
    const others = this.#cache.all().filter(({ lease, observedAt }) => {
      if (lease.metadata?.labels?.[ROLE_LABEL] !== 'member') return false;
      const holder = lease.spec?.holderIdentity ?? '';
      if (holder === '' || holder === this.options.identity) return false;
      const durationMs =
        (lease.spec?.leaseDurationSeconds ?? this.options.timings.durationMs / 1000) * 1000;
      return observedAt === undefined || now - observedAt < durationMs;
    });
    return others.length + 1;
  }

  /** ⌈M/N⌉: the most repositories this replica takes. */
  target(): number {
    return Math.ceil(this.repositories.length / this.liveMembers());
  }

  protected async startLeases(): Promise<void> {
    this.#cache.start();
    await this.#cache.synced();
    this.#member.start();
    // Join first, so others count us before we take anything.
    await this.#member.tryAcquireOrRenew().catch(() => false);
    for (const repository of this.repositories) {
      const elector = new LeaseElector({
        name: repositoryLeaseName(repository),
        identity: this.options.identity,
        access: this.#cache,
        timings: this.options.timings,
        labels: { [ROLE_LABEL]: 'repository' },
        clock: this.#clock,
        acquireGate: this.#gate,
        ...(this.options.onError === undefined ? {} : { onError: this.options.onError }),
      });
      elector.onChange((change) => {
        this.changed(repository, change.leading);
      });
      this.#electors.set(repository, elector);
      elector.start();
    }
    this.#balancing = this.#balance(this.#stop.signal);
  }

  protected async stopLeases(release: boolean): Promise<void> {
    this.#stop.abort();
    await this.#balancing;
    await Promise.all([...this.#electors.values()].map((elector) => elector.stop({ release })));
    await this.#member.stop({ release });
    await this.#cache.stop();
  }

  /** Releases the surplus over ⌈M/N⌉ (when replicas joined), one retry period at a time. */
  async #balance(signal: AbortSignal): Promise<void> {
    for (;;) {
      await sleep(this.options.timings.retryPeriodMs, signal);
      if (signal.aborted) return;
      const owned = this.owned();
      const surplus = owned.length - this.target();
      if (surplus <= 0) continue;
      // Shed the repositories whose rendezvous score for this replica is lowest, so which ones
      // move does not depend on timing.
      const score = (repository: string): string =>
        shortHash(`${this.options.identity}\n${repository}`);
      const shed = [...owned].sort((a, b) => score(a).localeCompare(score(b))).slice(0, surplus);
      for (const repository of shed) await this.#electors.get(repository)?.release();
    }
  }
}
