/**
 * Update policies and tag selection: pure and synchronous. CONTRACT STUB: the signatures below
 * are what the rest of tagpilot codes against; the implementation lands with the foundation issue.
 */
import { PolicyError } from './errors.js';
import type { ContainerPolicy, WorkloadPolicy } from './annotations-types.js';
import type { Candidate, Decision, Policy, Semantics, SelectOptions } from './types.js';

export type * from './types.js';
export type * from './annotations-types.js';
export { PolicyError } from './errors.js';

/** Parses a policy expression such as `semver:~1.4`, `glob:prod-*` or `regex:^v\d+$`. */
export function parsePolicy(
  expression: string,
  semantics: Semantics = 'tagpilot',
  annotation?: string,
): Policy {
  throw new PolicyError(annotation, expression, `not implemented yet (${semantics})`);
}

/** Reads every tagpilot / Flux v1 annotation of one workload (the only place that does). */
export function policyFromAnnotations(
  _annotations: Readonly<Record<string, string>>,
): WorkloadPolicy {
  throw new Error('not implemented yet');
}

/**
 * The policy for one container of a workload: its own annotation, or the default when the
 * workload is automated without one; undefined when the container is not automated.
 */
export function policyForContainer(
  _workload: WorkloadPolicy,
  _container: string,
): ContainerPolicy | PolicyError | undefined {
  throw new Error('not implemented yet');
}

/** True when the policy accepts this tag (the filter step, before ordering). */
export function accepts(_policy: Policy, _tag: string): boolean {
  throw new Error('not implemented yet');
}

/** Chooses a tag: keep, update (with the winner), or an error value, always with a reason. */
export function select(
  _policy: Policy,
  _current: string | undefined,
  _candidates: readonly Candidate[],
  _options: SelectOptions = {},
): Decision {
  throw new Error('not implemented yet');
}

export type { WorkloadId } from './workload-id.js';
export {
  WorkloadIdError,
  parseWorkloadId,
  formatWorkloadId,
  sameWorkload,
  formatFieldSlotId,
  parseFieldSlotId,
} from './workload-id.js';
