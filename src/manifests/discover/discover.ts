/**
 * Discovery (docs/manifests.md): files in, image slots and notes out. Pure apart from the cache
 * object the caller passes in. Per-file work (decode, parse, walk) is cached by blob; the
 * cross-file rules (roots, patches, duplicate definitions, slot ids) run on every call and cost
 * time proportional to the number of slots, not the bytes.
 */
import { minimatch } from 'minimatch';
import { formatFieldSlotId } from '../../policy/index.js';
import type { DiscoveryNote, DiscoveryResult, ImageSlot, ManifestFile } from '../types.js';
import { DiscoveryCache } from './cache.js';
import { extractBytes } from './extract.js';
import type { ExtractOptions, FileFacts, SlotFact } from './facts.js';
import { isKustomizationFile } from './kustomize.js';
import { formatContainerSlotId } from './slot-id.js';
import { configuredRoot, dirname, normalizePath, resolveFrom, rootOf } from './roots.js';

export interface DiscoveryOptions {
  /** Configured paths (deployable roots), relative to the repository root; default `['.']`. */
  readonly paths?: readonly string[] | undefined;
  /** Globs (minimatch, dot files included) a path must match at least one of; default all. */
  readonly include?: readonly string[] | undefined;
  /** Globs whose matches are left out. */
  readonly exclude?: readonly string[] | undefined;
  /** Namespace for objects that name none; default `default`. */
  readonly defaultNamespace?: string | undefined;
}

interface Considered {
  readonly file: ManifestFile;
  readonly path: string;
  readonly configured: string;
  readonly facts: FileFacts;
}

function isManifestName(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml') || isKustomizationFile(path);
}

function globFilter(options: DiscoveryOptions): (path: string) => boolean {
  const include = options.include ?? [];
  const exclude = options.exclude ?? [];
  return (path) =>
    (include.length === 0 || include.some((glob) => minimatch(path, glob, { dot: true }))) &&
    !exclude.some((glob) => minimatch(path, glob, { dot: true }));
}

/** Finds every image slot in the files under the configured paths. */
export function discover(
  files: readonly ManifestFile[],
  options: DiscoveryOptions = {},
  cache: DiscoveryCache = new DiscoveryCache(),
): DiscoveryResult {
  const paths = (options.paths ?? ['.']).map(normalizePath);
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const wanted = globFilter(options);
  let parsed = 0;
  let cacheHits = 0;
  let screenedOut = 0;

  const considered: Considered[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const path = normalizePath(file.path);
    if (!isManifestName(path) || !wanted(path)) continue;
    const configured = configuredRoot(path, paths);
    if (configured === undefined) continue;
    const extract: ExtractOptions = { kustomization: isKustomizationFile(path), defaultNamespace };
    const key = DiscoveryCache.key(file.oid, extract);
    let facts = cache.get(key);
    if (facts === undefined) {
      facts = extractBytes(file.bytes, extract);
      cache.set(key, facts);
      if (facts.parsed) parsed++;
    } else cacheHits++;
    if (facts.screenedOut) screenedOut++;
    considered.push({ file, path, configured, facts });
  }

  const kustomizationDirs = new Set<string>();
  const patches = new Set<string>();
  for (const { path, facts } of considered) {
    if (facts.kustomization === undefined) continue;
    const dir = dirname(path);
    kustomizationDirs.add(dir);
    for (const written of facts.kustomization.patches) {
      const resolved = resolveFrom(dir, written);
      if (resolved !== undefined) patches.add(resolved);
    }
  }

  const notes: DiscoveryNote[] = [];
  const slots: ImageSlot[] = [];
  const definitions = new Map<string, { file: string; line: number }[]>();
  const pending: { slot: ImageSlot; object: string | undefined }[] = [];
  for (const { path, configured, facts } of considered) {
    for (const note of facts.notes) notes.push({ file: path, ...note });
    const root = rootOf(path, configured, kustomizationDirs);
    const isPatch = patches.has(path);
    if (!isPatch)
      for (const object of facts.objects) {
        const key = `${root}\u0000${object.key}`;
        const where = { file: path, line: object.line };
        const known = definitions.get(key);
        if (known === undefined) definitions.set(key, [where]);
        else known.push(where);
      }
    // Files come in path order; within a file, slots in source order.
    const ordered =
      facts.slots.length < 2 ? facts.slots : [...facts.slots].sort((a, b) => a.line - b.line);
    for (const fact of ordered) {
      const slot = toSlot(fact, path, root, isPatch);
      if (slot === undefined) continue;
      pending.push({
        slot,
        object: isPatch || fact.object === undefined ? undefined : `${root}\u0000${fact.object}`,
      });
    }
  }

  const duplicated = new Set<string>();
  for (const [key, where] of definitions) {
    const [first, ...others] = where;
    if (first === undefined || others.length === 0) continue;
    duplicated.add(key);
    const [root, object] = key.split('\u0000');
    for (const other of others)
      notes.push({
        severity: 'error',
        file: other.file,
        line: other.line,
        message: `duplicate definition of ${object ?? ''} in root ${root ?? ''}: ${first.file}:${first.line} and ${other.file}:${other.line}; its images are skipped`,
      });
  }
  for (const { slot, object } of pending)
    if (object === undefined || !duplicated.has(object)) slots.push(slot);

  return { slots, notes, parsed, considered: considered.length, cacheHits, screenedOut };
}

/**
 * Slots of workload containers get the workload id plus `/container`; everything else (and
 * marked images inside Kustomize patches, which define nothing) gets `<file>#<yaml path>`.
 * Unmarked images of an object (workload, HelmRelease, Flux Kustomization) in patches are not
 * slots: the object is defined elsewhere (decisions 0031, 0063).
 */
function toSlot(
  fact: SlotFact,
  file: string,
  root: string,
  isPatch: boolean,
): ImageSlot | undefined {
  if (isPatch && fact.object !== undefined && !fact.fromMarker) return undefined;
  const { workload, container } = fact;
  return {
    id:
      workload !== undefined && container !== undefined && !isPatch
        ? formatContainerSlotId(workload, container)
        : formatFieldSlotId(file, fact.yamlPath),
    file,
    documentIndex: fact.documentIndex,
    yamlPath: fact.yamlPath,
    line: fact.line,
    shape: fact.shape,
    current: fact.current,
    workload: fact.workload,
    container: fact.container,
    workloadPolicy: fact.workloadPolicy,
    policy: fact.policy,
    root,
    source: fact.source,
    fromMarker: fact.fromMarker,
  };
}

/** Discovery of one file on its own (roots and duplicates across files do not apply). */
export function discoverFile(
  file: ManifestFile,
  options: DiscoveryOptions = {},
  cache?: DiscoveryCache,
): DiscoveryResult {
  return discover([file], { ...options, paths: ['.'], include: [], exclude: [] }, cache);
}
