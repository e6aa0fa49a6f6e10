/** Words for a policy's rule, used in reasons, commit messages and `tagpilot explain`. */
import type { Policy } from './types.js';

/** The rule in words, e.g. `semver ~1.4 (strict)` or `glob * by build time (Flux v1 default)`. */
export function describeRule(policy: Policy): string {
  const { expr, semantics } = policy;
  const flux = semantics === 'flux-v1';
  switch (expr.kind) {
    case 'semver':
      return `semver ${expr.range} (${flux ? 'Flux v1 lenient' : expr.lenient ? 'lenient' : 'strict'})`;
    case 'glob':
      return `glob ${expr.pattern} by build time${policy.isDefault ? ' (Flux v1 default: automated without a tag policy)' : ''}`;
    case 'regex':
      return `regex ${expr.pattern} ${flux ? '(Flux v1: matches anywhere in the tag)' : '(whole tag)'} by build time`;
    case 'numeric':
    case 'alpha':
      return `${expr.kind} ${expr.direction} (${expr.direction === 'asc' ? 'largest' : 'smallest'} wins)`;
    case 'extract':
      return `regex ${expr.pattern} ordered by group ${expr.group} (${expr.group === 'ts' ? 'as a number' : 'as semver'})`;
  }
}

/** What "best" means under the policy: "the highest version", "the newest build", ... */
export function bestPhrase(policy: Policy): string {
  const { order } = policy;
  switch (order.by) {
    case 'semver':
      return 'the highest version';
    case 'build-time':
      return 'the newest build';
    case 'numeric':
      return policy.expr.kind === 'extract'
        ? 'the largest ts'
        : `the ${order.direction === 'asc' ? 'largest' : 'smallest'} number`;
    case 'alpha':
      return `the ${order.direction === 'asc' ? 'last' : 'first'} in alphabetical order`;
  }
}
