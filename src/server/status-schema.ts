/**
 * The read-only status API's JSON (`GET /api/v1/status`), version 1. The controller builds it,
 * the server serves it (redacted), `tagpilot status` and the status page (issue 17) read it. It
 * is a schema rather than bare types so every reader validates what it got; the types are
 * inferred from it. Adding optional fields is compatible; renaming or removing one needs v2.
 * Times are ISO 8601 strings in UTC; durations are milliseconds.
 */
import { z } from 'zod';
import { CYCLE_RESULTS, CYCLE_TRIGGERS } from '../telemetry/metrics-labels.js';

export const STATUS_API_VERSION = 'tagpilot.status/v1';

const time = z.string();

/** A problem as people should read it: who is at fault and what to do. */
export const statusProblemSchema = z.object({
  /** Stable code from tagpilot's errors (`GIT_AUTH`, `REGISTRY_RATE_LIMITED`, ...). */
  code: z.string(),
  message: z.string(),
  /** True when a later cycle may succeed without anyone acting. */
  transient: z.boolean(),
  at: time.nullable(),
  /** Where it happened when it is narrower than the repository: a file, slot or image. */
  subject: z.string().nullable().optional(),
});

export const cycleStatusSchema = z.object({
  trigger: z.enum(CYCLE_TRIGGERS),
  result: z.enum(CYCLE_RESULTS),
  startedAt: time,
  finishedAt: time.nullable(),
  durationMs: z.number().nullable(),
  /** The cycle's summary figures. */
  workloads: z.number().int(),
  updates: z.number().int(),
  /** The commit pushed by this cycle, if any. */
  commit: z.string().nullable(),
  registryRequests: z.number().int(),
  problems: z.array(statusProblemSchema),
});

export const commitStatusSchema = z.object({
  sha: z.string(),
  at: time,
  subject: z.string(),
  /** A link to the commit on the forge, when its URL allows one. */
  url: z.string().nullable(),
  /** Time from the trigger to this commit's push (trigger-to-commit), when known. */
  latencyMs: z.number().nullable().optional(),
});

export const WORKLOAD_STATUS_STATES = [
  'automated',
  'pending',
  'held',
  'locked',
  'ignored',
  'error',
] as const;

export const workloadStatusSchema = z.object({
  /** Slot id (`<namespace>:<kind>/<name>` plus container, or `<file>#<yaml path>`). */
  slot: z.string(),
  workload: z.string(),
  namespace: z.string().nullable(),
  container: z.string().nullable(),
  file: z.string(),
  line: z.number().int().nullable(),
  /** The image repository without tag (`ghcr.io/acme/api`). */
  image: z.string(),
  policy: z.string().nullable(),
  currentTag: z.string().nullable(),
  /** Best tag available under the policy, when known. */
  bestTag: z.string().nullable(),
  state: z.enum(WORKLOAD_STATUS_STATES),
  /** For `held`: the commit that rolled tagpilot's update back, and why it holds. */
  hold: z.object({ commit: z.string(), reason: z.string() }).nullable().optional(),
  /** For `locked`: who locked it and why. */
  lock: z
    .object({ by: z.string().nullable(), reason: z.string().nullable() })
    .nullable()
    .optional(),
  error: z.string().nullable().optional(),
  /** `tagpilot explain`'s text for this slot. */
  explain: z.string(),
});

export const REPOSITORY_STATES = ['idle', 'running', 'pending', 'backoff', 'suspended'] as const;

export const repositoryStatusSchema = z.object({
  /** The name the controller, its metrics and `tagpilot trigger` use. */
  name: z.string(),
  /** The Git URL, without credentials. */
  url: z.string(),
  branch: z.string(),
  pushBranch: z.string().nullable(),
  /** False on a replica that does not own it (coordination: leader or sharded). */
  owned: z.boolean(),
  state: z.enum(REPOSITORY_STATES),
  suspended: z.boolean(),
  lastSuccessAt: time.nullable(),
  nextDueAt: time.nullable(),
  /** Triggers merged into the next cycle. */
  pending: z.array(z.enum(CYCLE_TRIGGERS)),
  /** Newest first, bounded by the controller. */
  cycles: z.array(cycleStatusSchema),
  /** tagpilot's last pushed commits, newest first. */
  commits: z.array(commitStatusSchema),
  /** Updates committed since the start of the day and of the week (UTC). */
  updatesToday: z.number().int(),
  updatesThisWeek: z.number().int(),
  /** What is failing now (Git auth, push refused, registry down, ...): the page's banner. */
  problems: z.array(statusProblemSchema),
  workloads: z.array(workloadStatusSchema),
});

export const registryStatusSchema = z.object({
  host: z.string(),
  requests: z.number().int(),
  notModified: z.number().int(),
  throttled: z.number().int(),
  /** Docker Hub's `ratelimit-remaining`, when the registry reports one. */
  quotaRemaining: z.number().nullable(),
  lastError: statusProblemSchema.nullable(),
});

export const statusReportSchema = z.object({
  apiVersion: z.literal(STATUS_API_VERSION),
  generatedAt: time,
  controller: z.object({
    version: z.string(),
    startedAt: time,
    /** This replica's identity (pod name), when known. */
    replica: z.string().nullable(),
    coordination: z.enum(['none', 'leader', 'sharded']),
    ready: z.boolean(),
    shuttingDown: z.boolean(),
  }),
  repositories: z.array(repositoryStatusSchema),
  registries: z.array(registryStatusSchema),
});

export type StatusProblem = z.infer<typeof statusProblemSchema>;
export type CycleStatus = z.infer<typeof cycleStatusSchema>;
export type CommitStatus = z.infer<typeof commitStatusSchema>;
export type WorkloadStatus = z.infer<typeof workloadStatusSchema>;
export type WorkloadStatusState = WorkloadStatus['state'];
export type RepositoryStatus = z.infer<typeof repositoryStatusSchema>;
export type RegistryStatus = z.infer<typeof registryStatusSchema>;
export type StatusReport = z.infer<typeof statusReportSchema>;
