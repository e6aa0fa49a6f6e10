/**
 * Update policies and tag selection: pure and synchronous (grammar and rules: docs/policies.md).
 */
import { compilePolicy } from './compiled.js';
import { rankBy } from './select.js';
import type { Policy } from './types.js';

export type * from './types.js';
export type * from './annotations-types.js';
export { PolicyError } from './errors.js';
export { parsePolicy, defaultPolicy } from './parse.js';
export { select } from './select.js';
export { describeRule } from './describe.js';
export { policyFromAnnotations, policyForContainer } from './annotations.js';

/** True when the policy accepts this tag (the filter step, before ordering). */
export function accepts(policy: Policy, tag: string): boolean {
  return compilePolicy(policy).accepts(tag);
}

/** True when the policy orders by image build time, so candidates need `pushed`/`created`. */
export function needsBuildTime(policy: Policy): boolean {
  return policy.order.by === 'build-time';
}

/**
 * Compares two tags under the policy's order: positive when `a` ranks above `b`, negative when
 * below, 0 only for the same tag. Tags without a sort key (not a version, no known build time)
 * rank below every tag with one. Ties break as in `select` (docs/policies.md), with `current`
 * winning when given. Build times come from `times` (ms since the epoch, 0 = unknown).
 */
export function compareTags(
  policy: Policy,
  a: string,
  b: string,
  options: { current?: string; times?: ReadonlyMap<string, number> } = {},
): number {
  const compiled = compilePolicy(policy);
  const keyA = compiled.key(a, options.times?.get(a));
  const keyB = compiled.key(b, options.times?.get(b));
  if (keyA === undefined || keyB === undefined) {
    if (keyA !== keyB) return keyA === undefined ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  return rankBy(compiled.direction, options.current)({ tag: a, key: keyA }, { tag: b, key: keyB });
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
