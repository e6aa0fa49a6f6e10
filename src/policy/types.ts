/**
 * The policy contract shared by manifests/, registry/ and automation/ (grammar and rules:
 * docs/policies.md).
 */

/** Which rules parsed an expression: tagpilot's strict ones or Flux v1's lenient ones. */
export type Semantics = 'tagpilot' | 'flux-v1';

/** How candidates are ordered once filtered. */
export type PolicyOrder =
  | { readonly by: 'semver' } // highest version wins
  | { readonly by: 'numeric' | 'alpha'; readonly direction: 'asc' | 'desc' } // asc picks the largest
  | { readonly by: 'build-time' }; // newest image wins; needs pushed/created metadata

export type PolicyExpr =
  | { readonly kind: 'semver'; readonly range: string; readonly lenient: boolean }
  | { readonly kind: 'glob'; readonly pattern: string }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'numeric'; readonly direction: 'asc' | 'desc' }
  | { readonly kind: 'alpha'; readonly direction: 'asc' | 'desc' }
  | {
      /** Filter with a regex and order by the named group `ts` (numeric) or `version` (semver). */
      readonly kind: 'extract';
      readonly pattern: string;
      readonly group: 'ts' | 'version';
    };

export interface Policy {
  /** The expression text as written, e.g. `semver:~1.4`. */
  readonly source: string;
  readonly expr: PolicyExpr;
  readonly semantics: Semantics;
  /** How the policy orders the tags it accepts. */
  readonly order: PolicyOrder;
  /** True for `automated` without a tag policy (Flux v1's default of `glob:*` by build time). */
  readonly isDefault: boolean;
}

/** Optional metadata a registry may know about a tag. Times are ms since the epoch; 0 = unknown. */
export interface Candidate {
  readonly tag: string;
  readonly digest?: string | undefined;
  readonly pushed?: number | undefined;
  readonly created?: number | undefined;
}

/** Why a decision was made: printed in commit messages and by `tagpilot explain`. */
export interface Reason {
  /** The rule in words, e.g. `semver ~1.4 (strict)` or `glob * by build time (Flux v1 default)`. */
  readonly rule: string;
  readonly semantics: Semantics;
  /** How many candidates were offered and how many the policy accepted. */
  readonly total: number;
  readonly matched: number;
  readonly winner?: string | undefined;
  readonly runnerUp?: string | undefined;
  /** True when a rollback hold (`SelectOptions.above`) decided the outcome. */
  readonly held?: boolean | undefined;
  /** One human sentence summing it up. */
  readonly text: string;
}

export type Decision =
  | { readonly kind: 'keep'; readonly tag: string; readonly reason: Reason }
  | {
      readonly kind: 'update';
      readonly from: string | undefined;
      readonly to: Candidate;
      /** `policy-change` when the current tag no longer satisfies the policy at all. */
      readonly change: 'update' | 'policy-change';
      readonly reason: Reason;
    }
  | {
      readonly kind: 'error';
      readonly code: 'NO_MATCH' | 'NEEDS_BUILD_TIME' | 'NO_CANDIDATES';
      readonly message: string;
      readonly reason: Reason;
    };

export interface SelectOptions {
  /**
   * Rollback hold: only candidates strictly newer than this tag (under the policy's order) may be
   * chosen; when none is, the current tag is kept and the reason says the slot is held.
   */
  readonly above?: string | undefined;
}
