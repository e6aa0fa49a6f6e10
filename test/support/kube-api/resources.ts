/**
 * The resources the double serves and, for each, the verbs: exactly what tagpilot uses
 * (docs/kubernetes.md, "RBAC") plus the writes tests need to seed objects. A verb that is not
 * served answers 405 as the API server does for a resource without that verb.
 */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly verbs: readonly Verb[];
}

const ALL: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const RESOURCES: readonly ResourceInfo[] = [
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', verbs: ALL },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', verbs: ALL },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', verbs: ALL },
  { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', verbs: ALL },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', verbs: ALL },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'],
  },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', verbs: ALL },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    kind: 'Secret',
    verbs: ['get', 'create', 'update', 'delete'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    verbs: ['get', 'create', 'update', 'delete'],
  },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', verbs: ['get', 'create', 'delete'] },
];

export function apiVersionOf(resource: ResourceInfo): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** `deployments.apps`, `configmaps` — the spelling of the API server's messages. */
export function qualifiedName(resource: ResourceInfo): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

/** One RBAC rule: verbs on a resource, in some namespaces (none named: all of them). */
export interface Grant {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly Verb[];
  readonly namespaces?: readonly string[];
}
