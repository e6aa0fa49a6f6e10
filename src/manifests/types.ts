/**
 * The manifests layer's contract (architecture brief, "Contracts"): discovery turns files into
 * image slots; the editor turns slots plus new values into verified file contents.
 */
import type { ImageRef } from '../image/index.js';
import type { ContainerPolicy, PolicyError, WorkloadId, WorkloadPolicy } from '../policy/index.js';

/** One file as Git has it: bytes plus the blob id and mode, so edits keep the mode. */
export interface ManifestFile {
  /** Repository-relative path with `/` separators. */
  readonly path: string;
  readonly oid: string;
  /** Git file mode, e.g. `100644`, `100755`. */
  readonly mode: string;
  readonly bytes: Uint8Array;
}

/** A character range [start, end) in the decoded text (not bytes), as the `yaml` package gives. */
export type SourceRange = readonly [start: number, end: number];

/** How an image value is spread over YAML scalars. */
export type ImageShape =
  /** `image: repo:tag` — one scalar holds the whole reference. */
  | { readonly kind: 'reference'; readonly range: SourceRange }
  /** Separate scalars, e.g. Helm `image: {repository, tag}` or Kustomize `newName/newTag/digest`. */
  | {
      readonly kind: 'parts';
      readonly registry?: SourceRange | undefined;
      readonly repository?: SourceRange | undefined;
      readonly tag?: SourceRange | undefined;
      readonly digest?: SourceRange | undefined;
    };

export interface ImageSlot {
  /** `ns:kind/name/container` style id for workloads, `<file>#<yaml path>` otherwise. */
  readonly id: string;
  readonly file: string;
  readonly documentIndex: number;
  /** YAML path written `.spec.template.spec.containers[0].image`. */
  readonly yamlPath: string;
  /** 1-based line of the image value, for messages. */
  readonly line: number;
  readonly shape: ImageShape;
  readonly current: ImageRef;
  /** The workload this slot belongs to, when it is a container of one. */
  readonly workload: WorkloadId | undefined;
  readonly container: string | undefined;
  /** The workload's annotations as read by policyFromAnnotations, when the slot has a workload. */
  readonly workloadPolicy: WorkloadPolicy | undefined;
  /** The slot's policy (annotation, marker or default), its error, or undefined when not automated. */
  readonly policy: ContainerPolicy | PolicyError | undefined;
  /** The deployable root (configured path or kustomization tree) the slot was found under. */
  readonly root: string;
}

/** Something discovery wants a person to know: a skipped file, a duplicate, a bad marker. */
export interface DiscoveryNote {
  readonly severity: 'info' | 'warning' | 'error';
  readonly file: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly message: string;
}

export interface DiscoveryResult {
  readonly slots: readonly ImageSlot[];
  readonly notes: readonly DiscoveryNote[];
  /** Files parsed this time (a cache hit does not count). */
  readonly parsed: number;
}

/** One intended change to a file: replace the image at a slot with a new reference. */
export interface ImageEdit {
  readonly slot: ImageSlot;
  readonly to: ImageRef;
}
