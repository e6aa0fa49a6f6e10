/**
 * The Kubernetes edge (docs/kubernetes.md): the only module that imports
 * `@kubernetes/client-node`. Plain functions and small classes; controller/ joins them with
 * registry/ credentials, policy/ drift and automation/.
 */
export { connectCluster, clientFor, type ClusterClient, type ConnectOptions } from './connect.js';
export {
  ClusterError,
  ClusterApiError,
  ClusterConfigError,
  toClusterError,
  hasStatus,
} from './errors.js';
export { systemClock, sleep, backoffDelay, type Clock } from './clock.js';
export {
  ListWatcher,
  objectKey,
  type ListWatchEvent,
  type ListWatchOptions,
  type ListWatchSource,
  type RestartReason,
} from './list-watch.js';
export {
  WorkloadWatcher,
  WORKLOAD_KINDS,
  toLiveWorkload,
  workloadKey,
  type LiveWorkload,
  type WorkloadKind,
  type WorkloadEvent,
} from './workloads.js';
export {
  directLeaseAccess,
  LeaseCache,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  type LeaseAccess,
  type ObservedLease,
} from './lease-access.js';
export {
  LeaseElector,
  DEFAULT_LEASE_TIMINGS,
  type LeaseElectorOptions,
  type LeaseTimings,
  type LeadershipChange,
} from './lease-elector.js';
export {
  EventRecorder,
  NOTE_LIMIT_BYTES,
  REPORTING_CONTROLLER,
  truncateUtf8,
  type EventInput,
  type EventRegarding,
  type RecordOutcome,
} from './events.js';
export {
  PullSecretReader,
  dockerConfigOf,
  DOCKER_CFG,
  DOCKER_CONFIG_JSON,
  type PullSecret,
  type PullSecretProblem,
} from './pull-secrets.js';
export {
  TriggerHandover,
  handoverName,
  HANDOVER_LABEL,
  REPOSITORY_ANNOTATION,
  type HandoverTrigger,
} from './trigger-handover.js';
export {
  RBAC_RULES,
  rbacTable,
  type RbacRule,
  type RbacScope,
  type RbacCondition,
} from './rbac.js';
export {
  policyDrift,
  describeDrift,
  POLICY_ANNOTATION_PREFIXES,
  type AnnotationDrift,
} from './drift.js';
export {
  LeaderCoordinator,
  ShardedCoordinator,
  repositoryLeaseName,
  memberLeaseName,
  type LeaseCoordinator,
  type CoordinatorOptions,
  type OwnershipChange,
} from './coordinators.js';
