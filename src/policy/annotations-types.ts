import type { PolicyError } from './errors.js';
import type { Policy } from './types.js';

/** A warning about annotations that still lets the workload be processed. */
export interface AnnotationWarning {
  readonly keys: readonly string[];
  readonly message: string;
}

/** The policy for one container: from an annotation, or the default when only `automated` is set. */
export interface ContainerPolicy {
  readonly policy: Policy;
  /** The annotation key it came from; undefined for the default policy. */
  readonly key: string | undefined;
  /** Write `tag@digest` for this container (`tagpilot.io/pin.<container>: digest`). */
  readonly pinDigest: boolean;
}

/** Everything tagpilot reads from one workload's annotations. */
export interface WorkloadPolicy {
  /**
   * True when tagpilot updates this workload: `automated` is exactly "true" and the workload is
   * neither locked nor ignored.
   */
  readonly automated: boolean;
  /** What the `automated` annotation alone said (before locks and ignore), for `explain`. */
  readonly automatedAnnotation: boolean;
  /** The key that decided `automated`, e.g. `fluxcd.io/automated`. */
  readonly automatedKey: string | undefined;
  readonly locked: boolean;
  readonly lockedBy: string | undefined;
  readonly lockedMessage: string | undefined;
  /** `true` skips the resource; `sync_only` (Flux v1) also skips automation. */
  readonly ignored: false | 'true' | 'sync_only';
  /** Per-container policies or the error that made one unusable, keyed by container name. */
  readonly containers: ReadonlyMap<string, ContainerPolicy | PolicyError>;
  readonly warnings: readonly AnnotationWarning[];
}
