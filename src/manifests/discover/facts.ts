/**
 * What discovery learns from one file's text, independent of the file's path and root: the unit
 * the cache keeps per blob (cache.ts). `discover.ts` adds the path, the root and the slot ids.
 */
import type { DiscoveryNote, ImageSlot, SlotSource } from '../types.js';

export type NoteFact = Omit<DiscoveryNote, 'file'>;

/** An ImageSlot before discover.ts adds the path, root and id; source and marker always known. */
export type SlotFact = Omit<ImageSlot, 'id' | 'file' | 'root' | 'source' | 'fromMarker'> & {
  readonly source: SlotSource;
  readonly fromMarker: boolean;
  /** The object this slot belongs to (`ns:kind/name`), for duplicate detection. */
  readonly object: string | undefined;
};

/** A full definition of an object that carries slots: workload, HelmRelease, Flux Kustomization. */
export interface ObjectFact {
  /** `ns:kind/name`, kind lower-case. */
  readonly key: string;
  readonly line: number;
}

/** The paths a kustomization file names, as written (relative to its directory). */
export interface KustomizationRefs {
  readonly resources: readonly string[];
  readonly patches: readonly string[];
}

export interface FileFacts {
  readonly notes: readonly NoteFact[];
  readonly slots: readonly SlotFact[];
  readonly objects: readonly ObjectFact[];
  readonly kustomization: KustomizationRefs | undefined;
  /** True when the YAML parser ran (false for pre-screened, non-UTF-8 files). */
  readonly parsed: boolean;
  /** True when the pre-screen found nothing to look for. */
  readonly screenedOut: boolean;
}

/** Options that change what a file's text yields (and so are part of the cache key). */
export interface ExtractOptions {
  /** The file is a kustomization file (`kustomization.yaml`, `.yml`, `Kustomization`). */
  readonly kustomization: boolean;
  readonly defaultNamespace: string;
}
