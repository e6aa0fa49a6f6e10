/**
 * The exact RBAC rules tagpilot needs (docs/kubernetes.md, "RBAC"), in one machine-readable
 * place: the docs' table is checked against it, the Helm chart renders exactly these, and the
 * tests run the controller against the API-server double with these grants and nothing else.
 */
export type RbacScope =
  /** Each namespace of `cluster.namespaces` (a Role each), or cluster-wide (a ClusterRole). */
  | 'workloads'
  /** The release namespace only (always a Role). */
  | 'release';

export type RbacCondition =
  /** Only with `cluster.credentials.fromImagePullSecrets: true`. */
  | 'fromImagePullSecrets'
  /** Only with `controller.coordination: leader` or `sharded`. */
  | 'coordination'
  /** Only with `cluster.events.enabled: true` (the default). */
  | 'events';

export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly scope: RbacScope;
  readonly when?: RbacCondition;
  readonly why: string;
}

export const RBAC_RULES: readonly RbacRule[] = [
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'daemonsets'],
    verbs: ['get', 'list', 'watch'],
    scope: 'workloads',
    why: 'map slots to live workloads, read live annotations (drift); tagpilot never writes workloads',
  },
  {
    apiGroups: ['batch'],
    resources: ['cronjobs'],
    verbs: ['get', 'list', 'watch'],
    scope: 'workloads',
    why: 'as above, for CronJobs',
  },
  {
    apiGroups: ['events.k8s.io'],
    resources: ['events'],
    verbs: ['create', 'patch'],
    scope: 'workloads',
    when: 'events',
    why: 'Events on the workloads (patch: series of repeats)',
  },
  {
    apiGroups: [''],
    resources: ['serviceaccounts'],
    verbs: ['get'],
    scope: 'workloads',
    when: 'fromImagePullSecrets',
    why: "the imagePullSecrets of a workload's ServiceAccount",
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get'],
    scope: 'workloads',
    when: 'fromImagePullSecrets',
    why: 'read named pull secrets (get only: never list or watch Secrets)',
  },
  {
    apiGroups: ['events.k8s.io'],
    resources: ['events'],
    verbs: ['create', 'patch'],
    scope: 'release',
    when: 'events',
    why: "Warning Events on tagpilot's own Pod (problems that belong to no workload)",
  },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update'],
    scope: 'release',
    when: 'coordination',
    why: 'leader election and sharding (list/watch: standbys follow Leases without polling)',
  },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'update'],
    scope: 'release',
    when: 'coordination',
    why: 'trigger handover from a replica that received a webhook to the owner',
  },
];

/** The rules as the Markdown table of docs/kubernetes.md (a test keeps the two identical). */
export function rbacTable(): string {
  const code = (value: string): string => `\`${value}\``;
  const rows = RBAC_RULES.map((rule) =>
    [
      rule.apiGroups.map((group) => (group === '' ? '`""` (core)' : code(group))).join(', '),
      rule.resources.map(code).join(', '),
      rule.verbs.map(code).join(', '),
      rule.scope,
      rule.when ?? 'always',
      rule.why,
    ].join(' | '),
  );
  return [
    '| apiGroups | resources | verbs | scope | when | why |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
