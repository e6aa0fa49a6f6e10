/**
 * The automation layer's values: what a scan found, what the planner decided per slot, and the
 * summary a cycle returns (consumed by the CLI now and by notifiers and the controller later).
 */
import type { ImageRef } from '../image/index.js';
import type { ImageEdit, ImageSlot } from '../manifests/types.js';
import type { Candidate, Reason } from '../policy/index.js';

/** The result of scanning one image repository (keyed by its canonical name). */
export type ScanResult =
  | { readonly ok: true; readonly candidates: readonly Candidate[]; readonly pending?: number }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** What tagpilot wrote last for a slot, found through its commit trailers (holds.ts). */
export interface LastWrite {
  readonly commit: string;
  /** The reference as tagpilot wrote it, e.g. `ghcr.io/acme/api:1.4.3`. */
  readonly value: string;
}

export type UpdateChange =
  /** A newer tag under the policy. */
  | 'update'
  /** The current tag does not satisfy the policy at all (range tightened, `latest`, ...). */
  | 'policy-change'
  /** Same tag, new digest: a mutable tag (`latest`, `stable`) tracked by digest was rebuilt. */
  | 'digest'
  /** Same tag, digest added because the policy asks for `tag@digest`. */
  | 'pin';

export type SlotDecision =
  | { readonly kind: 'keep'; readonly slot: ImageSlot; readonly reason: Reason }
  | {
      readonly kind: 'update';
      readonly slot: ImageSlot;
      readonly from: ImageRef;
      readonly to: ImageRef;
      readonly change: UpdateChange;
      readonly reason: Reason;
      /** Set when this update ends a rollback hold (a tag newer than the held value appeared). */
      readonly releasedHold?: string | undefined;
    }
  | {
      readonly kind: 'held';
      readonly slot: ImageSlot;
      /** Tagpilot wrote this value; a person rolled back; nothing at or below it is chosen. */
      readonly heldBelow: string;
      readonly reason: Reason;
    }
  | {
      readonly kind: 'locked';
      readonly slot: ImageSlot;
      readonly by: string | undefined;
      readonly message: string | undefined;
    }
  | { readonly kind: 'ignored'; readonly slot: ImageSlot; readonly why: string }
  | {
      readonly kind: 'error';
      readonly slot: ImageSlot;
      readonly code: string;
      readonly message: string;
      readonly reason?: Reason | undefined;
    };

export type SlotDecisionKind = SlotDecision['kind'];

/** A digest the planner needs before it can finish a slot (digest-pinned references). */
export interface DigestWanted {
  /** `canonicalName:tag`, the key of PlanInput.digests. */
  readonly key: string;
  readonly image: ImageRef;
}

export interface Plan {
  readonly decisions: readonly SlotDecision[];
  readonly edits: readonly ImageEdit[];
  /** Digests to look up (then plan again); slots waiting on them are reported as errors until then. */
  readonly digestsWanted: readonly DigestWanted[];
}

/** The typed summary of one cycle; logged as one line and returned to callers. */
export interface CycleSummary {
  readonly repository: string;
  readonly head: string | undefined;
  readonly slots: number;
  readonly automated: number;
  readonly updated: number;
  /** Updates planned but not written (dry run, suspended, push failed). */
  readonly pending: number;
  readonly kept: number;
  readonly locked: number;
  readonly held: number;
  readonly ignored: number;
  readonly errors: number;
  /** File-level problems from discovery (syntax errors, duplicates, skipped files). */
  readonly notes: number;
  readonly repositoriesScanned: number;
  readonly registryRequests: number;
  readonly pushAttempts: number;
  readonly durationMs: number;
  /** The commit pushed by this cycle, when there was one. */
  readonly commit: string | undefined;
  readonly suspended: boolean;
  /** Why nothing was written although updates were planned (suspend, dry run, push failure). */
  readonly outcome: 'no-change' | 'committed' | 'dry-run' | 'suspended' | 'push-failed';
  readonly problems: readonly string[];
}
