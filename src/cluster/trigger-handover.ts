/**
 * Hands a verified trigger from the replica that received a webhook to the replica that owns the
 * repository, through one ConfigMap per repository (`tagpilot-trigger-<hash>`) in the release
 * namespace: any replica appends an entry (create, or update with the resourceVersion it read,
 * retrying on 409); the owner watches these ConfigMaps and drains the entries of repositories it
 * owns, also right after taking a repository over, so a trigger survives a failover. The
 * ConfigMap stays, with who drained it last, so the trail is visible with kubectl.
 * Only the trigger's kind and the image repository it names travel; never webhook data.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ClusterClient } from './connect.js';
import { hasStatus, toClusterError } from './errors.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from './lease-access.js';
import { ListWatcher, type ListWatchOptions } from './list-watch.js';

export const HANDOVER_LABEL = 'tagpilot.io/trigger-handover';
export const REPOSITORY_ANNOTATION = 'tagpilot.io/repository';
export const DRAINED_BY_ANNOTATION = 'tagpilot.io/last-drained-by';
/** Entries kept at most per repository; older ones are merged away (triggers coalesce anyway). */
export const MAX_ENTRIES = 50;
const WRITE_ATTEMPTS = 5;

export interface HandoverTrigger {
  /** `interval`, `registry`, `git`, `manual`, ... as the controller names them. */
  readonly kind: string;
  /** The image repository a registry webhook named, when it did. */
  readonly image?: string | undefined;
  readonly from: string;
  /** ISO time it was handed over (informational). */
  readonly at: string;
}

/** `tagpilot-trigger-<first 16 hex of sha256(repository URL)>`. */
export function handoverName(repository: string): string {
  return `tagpilot-trigger-${createHash('sha256').update(repository.trim()).digest('hex').slice(0, 16)}`;
}

function parseEntries(configMap: V1ConfigMap | undefined): Map<string, HandoverTrigger> {
  const entries = new Map<string, HandoverTrigger>();
  for (const [key, value] of Object.entries(configMap?.data ?? {})) {
    try {
      const parsed = JSON.parse(value) as Partial<HandoverTrigger>;
      if (typeof parsed.kind !== 'string' || typeof parsed.from !== 'string') continue;
      entries.set(key, {
        kind: parsed.kind,
        from: parsed.from,
        at: typeof parsed.at === 'string' ? parsed.at : '',
        ...(typeof parsed.image === 'string' ? { image: parsed.image } : {}),
      });
    } catch {
      continue; // not ours to interpret; left in place
    }
  }
  return entries;
}

export class TriggerHandover {
  readonly #client: ClusterClient;
  readonly #identity: string;
  readonly #watcher: ListWatcher<V1ConfigMap>;

  constructor(client: ClusterClient, identity: string, options: ListWatchOptions) {
    this.#client = client;
    this.#identity = identity;
    const namespace = client.namespace;
    const labelSelector = `${HANDOVER_LABEL}=true`;
    this.#watcher = new ListWatcher<V1ConfigMap>(
      {
        description: `trigger ConfigMaps in namespace ${namespace}`,
        path: `/api/v1/namespaces/${namespace}/configmaps`,
        query: { labelSelector },
        list: async () => {
          const list = await client.core.listNamespacedConfigMap({ namespace, labelSelector });
          return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
      },
      client.watch,
      options,
    );
  }

  get watcher(): ListWatcher<V1ConfigMap> {
    return this.#watcher;
  }

  start(): void {
    this.#watcher.start();
  }

  stop(): Promise<void> {
    return this.#watcher.stop();
  }

  /** Calls `listener(repository)` whenever a repository's ConfigMap has entries waiting. */
  onPending(listener: (repository: string) => void): () => void {
    return this.#watcher.on((event) => {
      if (event.type !== 'upsert') return;
      const repository = event.object.metadata?.annotations?.[REPOSITORY_ANNOTATION];
      if (repository !== undefined && Object.keys(event.object.data ?? {}).length > 0)
        listener(repository);
    });
  }

  /** Appends a trigger for `repository` (the owner will drain it). */
  async handOver(repository: string, trigger: Omit<HandoverTrigger, 'from' | 'at'>): Promise<void> {
    const entry: HandoverTrigger = {
      ...trigger,
      from: this.#identity,
      at: new Date().toISOString(),
    };
    const key = `t-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    await this.#modify(repository, (entries) => {
      entries.set(key, entry);
      while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      return true;
    });
  }

  /** Takes every waiting trigger of `repository` (the caller owns it) and removes them. */
  async drain(repository: string): Promise<HandoverTrigger[]> {
    let taken: HandoverTrigger[] = [];
    await this.#modify(repository, (entries) => {
      taken = [...entries.values()];
      entries.clear();
      return taken.length > 0;
    });
    return taken;
  }

  /** Read-modify-write with the resourceVersion read; a 409 reads again (another replica wrote). */
  async #modify(
    repository: string,
    change: (entries: Map<string, HandoverTrigger>) => boolean,
  ): Promise<void> {
    const namespace = this.#client.namespace;
    const name = handoverName(repository);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.#read(namespace, name);
      const entries = parseEntries(current);
      if (!change(entries)) return;
      const data = Object.fromEntries(
        [...entries].map(([key, value]) => [key, JSON.stringify(value)]),
      );
      const body: V1ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name,
          namespace,
          labels: {
            ...current?.metadata?.labels,
            [HANDOVER_LABEL]: 'true',
            [MANAGED_BY_LABEL]: MANAGED_BY,
          },
          annotations: {
            ...current?.metadata?.annotations,
            [REPOSITORY_ANNOTATION]: repository,
            ...(entries.size === 0
              ? { [DRAINED_BY_ANNOTATION]: `${this.#identity} ${new Date().toISOString()}` }
              : {}),
          },
          ...(current?.metadata?.resourceVersion === undefined
            ? {}
            : { resourceVersion: current.metadata.resourceVersion }),
        },
        data,
      };
      try {
        if (current === undefined)
          await this.#client.core.createNamespacedConfigMap({ namespace, body });
        else await this.#client.core.replaceNamespacedConfigMap({ namespace, name, body });
        return;
      } catch (error: unknown) {
        const typed = toClusterError(error, `writing ConfigMap ${namespace}/${name}`);
        if (!hasStatus(typed, 409) || attempt >= WRITE_ATTEMPTS) throw typed;
      }
    }
  }

  async #read(namespace: string, name: string): Promise<V1ConfigMap | undefined> {
    try {
      return await this.#client.core.readNamespacedConfigMap({ namespace, name });
    } catch (error: unknown) {
      const typed = toClusterError(error, `reading ConfigMap ${namespace}/${name}`);
      if (hasStatus(typed, 404)) return undefined;
      throw typed;
    }
  }
}
