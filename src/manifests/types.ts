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

/**
 * A character range [start, end) in the decoded text (UTF-16 indexes into the string, not bytes;
 * a BOM, when present, is index 0), as the `yaml` package gives.
 *
 * Convention used by discovery (docs/manifests.md "Source ranges"): a range covers the scalar
 * exactly as written, INCLUDING its quotes for single- and double-quoted scalars, and nothing
 * else: no anchor, tag, trailing spaces or comment. It equals `node.range[0]..node.range[1]` of
 * the `yaml` package for the same scalar, so `text.slice(start, end)` is `"1.4.2"` (with the
 * quotes) for `tag: "1.4.2"` and `1.4.2` for `tag: 1.4.2`. Discovery never gives a range for a
 * block scalar (`|`, `>`) or an alias: those are reported as notes instead.
 */
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

/** Where a slot came from (the rule that found it). */
export type SlotSource =
  /** A container of a workload kind (Deployment, ..., Pod). */
  | 'workload'
  /** A Flux HelmRelease's `spec.values`, found by the Flux v1 shapes or alias annotations. */
  | 'helm-release'
  /** An `images:` entry of a kustomization file or `spec.images` entry of a Flux Kustomization. */
  | 'kustomize'
  /** An inline `# {"tagpilot": ...}` marker on a scalar outside any of the above. */
  | 'marker';

export interface ImageSlot {
  /**
   * Workload containers (and HelmRelease images): `<namespace>:<kind>/<name>/<container>`, the
   * workload id of `formatWorkloadId` plus `/` and the container name, e.g.
   * `prod:deployment/api/web` or `prod:helmrelease/api/chart-image`. Kubernetes names never hold
   * `/`, so the container is everything after the last `/`. Everything else (Kustomize `images:`,
   * Flux Kustomization `spec.images`, inline markers): `formatFieldSlotId(file, yamlPath)`,
   * e.g. `apps/values.yaml#.image.tag`.
   * The same id may appear once per deployable `root` (see `root`).
   */
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
  /** The rule that found the slot (added by discovery; optional so hand-made slots stay valid). */
  readonly source?: SlotSource | undefined;
  /** True when the policy came from an inline marker on the scalar rather than annotations. */
  readonly fromMarker?: boolean | undefined;
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
  /** Files considered (`.yaml`/`.yml`/`Kustomization` under the configured paths and globs). */
  readonly considered?: number | undefined;
  /** Files answered from the cache. */
  readonly cacheHits?: number | undefined;
  /** Files the pre-screen showed hold nothing discovery looks for (read, never parsed). */
  readonly screenedOut?: number | undefined;
}

/** One intended change to a file: replace the image at a slot with a new reference. */
export interface ImageEdit {
  readonly slot: ImageSlot;
  readonly to: ImageRef;
}
