/**
 * The live workloads tagpilot reads (never writes): Deployments, StatefulSets, DaemonSets and
 * CronJobs, listed and watched per namespace (namespaced mode) or across all namespaces
 * (cluster mode), reduced to what tagpilot needs to know about them.
 */
import type { KubernetesObject, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ClusterClient } from './connect.js';
import {
  ListWatcher,
  type ListWatchEvent,
  type ListWatchOptions,
  type ListWatchSource,
} from './list-watch.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';

interface KindInfo {
  readonly kind: WorkloadKind;
  readonly group: 'apps' | 'batch';
  readonly apiVersion: string;
  readonly plural: string;
}

export const WORKLOAD_KINDS: readonly KindInfo[] = [
  { kind: 'Deployment', group: 'apps', apiVersion: 'apps/v1', plural: 'deployments' },
  { kind: 'StatefulSet', group: 'apps', apiVersion: 'apps/v1', plural: 'statefulsets' },
  { kind: 'DaemonSet', group: 'apps', apiVersion: 'apps/v1', plural: 'daemonsets' },
  { kind: 'CronJob', group: 'batch', apiVersion: 'batch/v1', plural: 'cronjobs' },
];

/** What tagpilot knows about one live workload. */
export interface LiveWorkload {
  readonly apiVersion: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The pod template's ServiceAccount (`default` when it names none). */
  readonly serviceAccountName: string;
  readonly imagePullSecrets: readonly string[];
  readonly containers: readonly { readonly name: string; readonly image: string }[];
}

interface WorkloadObject extends KubernetesObject {
  readonly spec?: {
    readonly template?: V1PodTemplateSpec;
    readonly jobTemplate?: { readonly spec?: { readonly template?: V1PodTemplateSpec } };
  };
}

/** `<namespace>/<Kind>/<name>`, the key of a live workload. */
export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

export function toLiveWorkload(info: KindInfo, object: WorkloadObject): LiveWorkload {
  const template =
    info.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
  const pod = template?.spec;
  const containers = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map(
    (container) => ({
      name: container.name,
      image: container.image ?? '',
    }),
  );
  return {
    apiVersion: info.apiVersion,
    kind: info.kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    uid: object.metadata?.uid ?? '',
    resourceVersion: object.metadata?.resourceVersion ?? '',
    annotations: { ...object.metadata?.annotations },
    serviceAccountName: pod?.serviceAccountName ?? 'default',
    imagePullSecrets: (pod?.imagePullSecrets ?? []).flatMap((ref) =>
      ref.name === undefined ? [] : [ref.name],
    ),
    containers,
  };
}

function sourceFor(
  client: ClusterClient,
  info: KindInfo,
  namespace: string | undefined,
): ListWatchSource<WorkloadObject> {
  const base = `/apis/${info.apiVersion}`;
  const path =
    namespace === undefined
      ? `${base}/${info.plural}`
      : `${base}/namespaces/${namespace}/${info.plural}`;
  const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
  const list = async (): Promise<{ items: WorkloadObject[]; resourceVersion: string }> => {
    const result = await listCall(client, info.kind, namespace);
    return {
      items: result.items as WorkloadObject[],
      resourceVersion: result.metadata?.resourceVersion ?? '',
    };
  };
  return { description: `${info.plural}.${info.group} in ${where}`, path, list };
}

interface AnyList {
  readonly items: readonly KubernetesObject[];
  readonly metadata?: { readonly resourceVersion?: string };
}

function listCall(
  client: ClusterClient,
  kind: WorkloadKind,
  namespace: string | undefined,
): Promise<AnyList> {
  const ns = namespace === undefined ? undefined : { namespace };
  switch (kind) {
    case 'Deployment':
      return ns === undefined
        ? client.apps.listDeploymentForAllNamespaces()
        : client.apps.listNamespacedDeployment(ns);
    case 'StatefulSet':
      return ns === undefined
        ? client.apps.listStatefulSetForAllNamespaces()
        : client.apps.listNamespacedStatefulSet(ns);
    case 'DaemonSet':
      return ns === undefined
        ? client.apps.listDaemonSetForAllNamespaces()
        : client.apps.listNamespacedDaemonSet(ns);
    case 'CronJob':
      return ns === undefined
        ? client.batch.listCronJobForAllNamespaces()
        : client.batch.listNamespacedCronJob(ns);
  }
}

export type WorkloadEvent =
  | { readonly type: 'upsert' | 'delete'; readonly workload: LiveWorkload }
  | {
      readonly type: 'restart';
      readonly kind: WorkloadKind;
      readonly event: Extract<ListWatchEvent<unknown>, { type: 'restart' }>;
    };

/** All workload kinds in the given namespaces (none: every namespace), kept current. */
export class WorkloadWatcher {
  readonly #watchers: { readonly info: KindInfo; readonly watcher: ListWatcher<WorkloadObject> }[];
  readonly #listeners = new Set<(event: WorkloadEvent) => void>();

  constructor(client: ClusterClient, namespaces: readonly string[], options: ListWatchOptions) {
    const scopes = namespaces.length === 0 ? [undefined] : [...new Set(namespaces)];
    this.#watchers = WORKLOAD_KINDS.flatMap((info) =>
      scopes.map((namespace) => {
        const watcher = new ListWatcher(sourceFor(client, info, namespace), client.watch, options);
        watcher.on((event) => {
          this.#forward(info, event);
        });
        return { info, watcher };
      }),
    );
  }

  start(): void {
    for (const { watcher } of this.#watchers) watcher.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watchers.map(({ watcher }) => watcher.stop()));
  }

  /** True once every kind in every namespace has been listed once (readiness waits for it). */
  get hasSynced(): boolean {
    return this.#watchers.every(({ watcher }) => watcher.hasSynced);
  }

  async synced(): Promise<void> {
    await Promise.all(this.#watchers.map(({ watcher }) => watcher.synced()));
  }

  on(listener: (event: WorkloadEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(kind: WorkloadKind, namespace: string, name: string): LiveWorkload | undefined {
    for (const { info, watcher } of this.#watchers) {
      if (info.kind !== kind) continue;
      const object = watcher.get(`${namespace}/${name}`);
      if (object !== undefined) return toLiveWorkload(info, object);
    }
    return undefined;
  }

  list(): LiveWorkload[] {
    return this.#watchers.flatMap(({ info, watcher }) =>
      watcher.list().map((object) => toLiveWorkload(info, object)),
    );
  }

  #forward(info: KindInfo, event: ListWatchEvent<WorkloadObject>): void {
    let out: WorkloadEvent | undefined;
    if (event.type === 'upsert' || event.type === 'delete')
      out = { type: event.type, workload: toLiveWorkload(info, event.object) };
    else if (event.type === 'restart') out = { type: 'restart', kind: info.kind, event };
    if (out === undefined) return;
    for (const listener of this.#listeners) listener(out);
  }
}
