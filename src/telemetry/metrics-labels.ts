/**
 * The label values tagpilot's metrics accept. Every label is a closed set or a name from the
 * configuration (repository, receiver, registry host), so a series count can never grow with the
 * input (Flux removed per-object labels for this reason: fluxcd/flux2#4128).
 */

/** What started a cycle. */
export const CYCLE_TRIGGERS = [
  'startup',
  'interval',
  'registry_webhook',
  'git_webhook',
  'manual',
  'retry',
  'cluster',
] as const;
export type CycleTrigger = (typeof CYCLE_TRIGGERS)[number];

/**
 * How a cycle ended: `committed` pushed a commit; `unchanged` found nothing to do; `partial`
 * committed or checked what it could while some slots failed; `failed` did not finish
 * (transient or permanent); `skipped` did not run its steps (suspended, head unchanged).
 */
export const CYCLE_RESULTS = ['committed', 'unchanged', 'partial', 'failed', 'skipped'] as const;
export type CycleResult = (typeof CYCLE_RESULTS)[number];

/** Every way a webhook delivery can end; each one is counted. */
export const WEBHOOK_OUTCOMES = [
  /** Verified, and at least one Git repository was queued for a cycle. */
  'triggered',
  /** Verified, but no configured Git repository uses the image or Git repository it names. */
  'no_match',
  /** Verified, but a delivery id seen before (a redelivery): 202, no cycle. */
  'duplicate',
  /** Verified, but an event type that never triggers (ping, pull, delete, ...): 202. */
  'ignored',
  /** Signature, token or secret path missing or wrong: 401 (404 for a wrong secret path). */
  'unauthorized',
  /** Body larger than the receiver's cap: 413. */
  'too_large',
  /** Over the receiver's rate limit: 429. */
  'rate_limited',
  /** Verified, but the body is not what the sender documents: 400. */
  'bad_request',
  /** No receiver at that path: 404. */
  'not_found',
  /** Method other than POST: 405. */
  'method_not_allowed',
  /** The controller is shutting down: 503. */
  'unavailable',
  /** tagpilot's own fault while handling it: 500. */
  'error',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Registry requests by what they were for. */
export const REGISTRY_OPERATIONS = [
  'ping',
  'token',
  'tags',
  'manifest_head',
  'manifest_get',
  'blob',
  'api',
] as const;
export type RegistryOperation = (typeof REGISTRY_OPERATIONS)[number];

/** Git operations tagpilot performs against a remote or its checkout. */
export const GIT_OPERATIONS = ['advertise', 'fetch', 'commit', 'push'] as const;
export type GitOperation = (typeof GIT_OPERATIONS)[number];
export const GIT_RESULTS = ['ok', 'error', 'raced'] as const;
export type GitResult = (typeof GIT_RESULTS)[number];

/** One state per workload slot, as `tagpilot_workloads` counts them. */
export const WORKLOAD_STATES = ['automated', 'locked', 'held', 'failing'] as const;
export type WorkloadState = (typeof WORKLOAD_STATES)[number];

/** A tag-list lookup answered from the cache (`hit`), revalidated with a 304, or fetched. */
export const TAG_CACHE_RESULTS = ['hit', 'revalidated', 'miss'] as const;
export type TagCacheResult = (typeof TAG_CACHE_RESULTS)[number];

/**
 * An HTTP status as a label: the code itself (a bounded set in practice: 200, 304, 401, 404,
 * 429, 5xx) or `network` when no response came.
 */
export function statusLabel(status: number | undefined): string {
  return status === undefined || !Number.isInteger(status) || status < 100 || status > 599
    ? 'network'
    : String(status);
}
