/**
 * Reading and writing `coordination.k8s.io/v1` Leases in the release namespace. Writes carry the
 * resourceVersion they were based on, so the API server refuses (409 Conflict) a write based on
 * a stale read (API conventions, "Concurrency Control and Consistency").
 */
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { ClusterClient } from './connect.js';
import { hasStatus, toClusterError } from './errors.js';
import { ListWatcher, type ListWatchOptions } from './list-watch.js';

export interface ObservedLease {
  readonly lease: V1Lease;
  /** Monotonic ms when this resourceVersion was first seen, when the reader knows it. */
  readonly observedAt?: number;
}

export interface LeaseAccess {
  /** Undefined when there is no such Lease (404). */
  get(name: string): Promise<ObservedLease | undefined>;
  create(lease: V1Lease): Promise<V1Lease>;
  replace(lease: V1Lease): Promise<V1Lease>;
}

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'tagpilot';

function writes(client: ClusterClient): Pick<LeaseAccess, 'create' | 'replace'> {
  const namespace = client.namespace;
  return {
    create: async (lease) => {
      try {
        return await client.coordination.createNamespacedLease({ namespace, body: lease });
      } catch (error: unknown) {
        throw toClusterError(error, `creating Lease ${namespace}/${lease.metadata?.name ?? ''}`);
      }
    },
    replace: async (lease) => {
      const name = lease.metadata?.name ?? '';
      try {
        return await client.coordination.replaceNamespacedLease({ name, namespace, body: lease });
      } catch (error: unknown) {
        throw toClusterError(error, `updating Lease ${namespace}/${name}`);
      }
    },
  };
}

/** Every read is a `get` (leader mode: one Lease). */
export function directLeaseAccess(client: ClusterClient): LeaseAccess {
  const namespace = client.namespace;
  return {
    get: async (name) => {
      try {
        return { lease: await client.coordination.readNamespacedLease({ name, namespace }) };
      } catch (error: unknown) {
        const typed = toClusterError(error, `reading Lease ${namespace}/${name}`);
        if (hasStatus(typed, 404)) return undefined;
        throw typed;
      }
    },
    ...writes(client),
  };
}

/**
 * Reads from a watch of tagpilot's Leases in the release namespace (sharded mode: one Lease per
 * repository plus one per replica), so standbys cost no polling; each change is stamped with the
 * monotonic time it was seen, which is what lease expiry is judged by.
 */
export class LeaseCache implements LeaseAccess {
  readonly #watcher: ListWatcher<V1Lease>;
  readonly #observedAt = new Map<string, { readonly version: string; readonly at: number }>();
  readonly #writes: Pick<LeaseAccess, 'create' | 'replace'>;
  readonly #now: () => number;
  readonly #namespace: string;

  constructor(client: ClusterClient, options: ListWatchOptions & { readonly now?: () => number }) {
    const namespace = client.namespace;
    this.#namespace = namespace;
    const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
    this.#now = options.now ?? (() => performance.now());
    this.#writes = writes(client);
    this.#watcher = new ListWatcher<V1Lease>(
      {
        description: `leases.coordination.k8s.io in namespace ${namespace}`,
        path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
        query: { labelSelector },
        list: async () => {
          const list = await client.coordination.listNamespacedLease({ namespace, labelSelector });
          return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
      },
      client.watch,
      options,
    );
    this.#watcher.on((event) => {
      if (event.type === 'upsert') this.#stamp(event.object);
      else if (event.type === 'delete') this.#observedAt.delete(event.object.metadata?.name ?? '');
    });
  }

  get watcher(): ListWatcher<V1Lease> {
    return this.#watcher;
  }

  start(): void {
    this.#watcher.start();
  }

  stop(): Promise<void> {
    return this.#watcher.stop();
  }

  synced(): Promise<void> {
    return this.#watcher.synced();
  }

  /** Every cached Lease with the monotonic time its current version was first seen. */
  all(): ObservedLease[] {
    return this.#watcher.list().map((lease) => this.#observed(lease));
  }

  get(name: string): Promise<ObservedLease | undefined> {
    const lease = this.#watcher.get(`${this.#namespace}/${name}`);
    return Promise.resolve(lease === undefined ? undefined : this.#observed(lease));
  }

  async create(lease: V1Lease): Promise<V1Lease> {
    const created = await this.#writes.create(lease);
    this.#stamp(created);
    return created;
  }

  async replace(lease: V1Lease): Promise<V1Lease> {
    const replaced = await this.#writes.replace(lease);
    this.#stamp(replaced);
    return replaced;
  }

  #stamp(lease: V1Lease): void {
    const name = lease.metadata?.name ?? '';
    const version = lease.metadata?.resourceVersion ?? '';
    if (this.#observedAt.get(name)?.version !== version)
      this.#observedAt.set(name, { version, at: this.#now() });
  }

  #observed(lease: V1Lease): ObservedLease {
    const stamp = this.#observedAt.get(lease.metadata?.name ?? '');
    return stamp === undefined ? { lease } : { lease, observedAt: stamp.at };
  }
}

/** A MicroTime for a Lease or Event field (six fractional digits, as the API requires). */
export function microTime(wallMs: number): V1MicroTime {
  return new V1MicroTime(wallMs);
}
