/**
 * Kustomization files (`kustomization.yaml`, `kustomization.yml`, `Kustomization`: the names
 * kustomize itself reads): `images:` entries become slots, and the paths named under
 * `resources`/`bases`/`components` and `patches`/`patchesStrategicMerge`/`patchesJson6902` feed
 * the deployable-root and "patches are not definitions" rules (roots.ts).
 *
 * An `images:` entry is `{name, newName?, newTag?, digest?}` (kustomize's `images` field): `name`
 * matches images in the resources and is never edited; the slot is made of `newName`, `newTag`
 * and `digest`. Its container name, for `tagpilot.io/tag.<container>` on the Kustomization's own
 * `metadata.annotations`, is the last path segment of `name` (`ghcr.io/acme/api` → `api`).
 * Flux Kustomizations' `spec.images` use the same entries (flux-kustomization.ts).
 */
import { policyForContainer, type WorkloadPolicy } from '../../policy/index.js';
import type { FileContext } from './context.js';
import type { KustomizationRefs } from './facts.js';
import { get, stringMap, text, type YMap, type YNode, type YScalar } from './tree.js';

const FILE_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export function isKustomizationFile(path: string): boolean {
  return FILE_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
}

function strings(node: YNode | undefined): string[] {
  if (node?.t !== 'seq') return [];
  const out: string[] = [];
  for (const item of node.items) {
    const value = text(item) ?? text(get(item, 'path'));
    // patchesStrategicMerge may hold an inline patch (a multi-line string), not a path.
    if (value !== undefined && value !== '' && !value.includes('\n')) out.push(value);
  }
  return out;
}

export function kustomizationRefs(root: YNode | undefined): KustomizationRefs {
  return {
    resources: ['resources', 'bases', 'components'].flatMap((k) => strings(get(root, k))),
    patches: ['patches', 'patchesStrategicMerge', 'patchesJson6902'].flatMap((k) =>
      strings(get(root, k)),
    ),
  };
}

function part(ctx: FileContext, node: YNode | undefined, what: string): YScalar | undefined {
  const scalar = ctx.editableScalar(node, what);
  return scalar === undefined || scalar.value === '' ? undefined : scalar;
}

export function containerNameOf(imageName: string): string {
  const path = imageName.split('@')[0] ?? imageName;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon === -1 ? last : last.slice(0, colon);
}

export function extractKustomization(
  ctx: FileContext,
  root: YNode | undefined,
  documentIndex: number,
): void {
  if (root?.t !== 'map') return;
  const annotationsNode = get(get(root, 'metadata'), 'annotations');
  const annotationsOffset = annotationsNode?.start ?? root.start;
  extractImageEntries(ctx, get(root, 'images'), {
    documentIndex,
    path: '.images',
    what: 'images',
    owner: 'kustomization',
    workloadPolicy: ctx.workloadPolicy(stringMap(annotationsNode), annotationsOffset),
    annotationsOffset,
    object: undefined,
  });
}

/** Where a list of kustomize image entries sits and whose annotations govern it. */
export interface ImageEntries {
  readonly documentIndex: number;
  /** YAML path of the sequence, e.g. `.images` or `.spec.images`. */
  readonly path: string;
  /** The sequence as named in notes, e.g. `images` or `spec.images`. */
  readonly what: string;
  /** The object named in policy errors, e.g. `kustomization`. */
  readonly owner: string;
  readonly workloadPolicy: WorkloadPolicy;
  readonly annotationsOffset: number;
  /** `ns:kind/name` when the entries belong to a Kubernetes object (duplicates, patches). */
  readonly object: string | undefined;
}

/**
 * Makes a slot of every `{name, newName?, newTag?, digest?}` entry of `images`: kustomize's own
 * `images:` field and the Flux Kustomization's `spec.images` (same type, same meaning).
 */
export function extractImageEntries(
  ctx: FileContext,
  images: YNode | undefined,
  where: ImageEntries,
): void {
  if (images?.t !== 'seq') return;
  images.items.forEach((entry, index) => {
    if (entry.t === 'map') extractImage(ctx, entry, index, where);
  });
}

function extractImage(ctx: FileContext, entry: YMap, index: number, where: ImageEntries): void {
  const name = text(get(entry, 'name'));
  const what = `${where.what}[${index}]${name === undefined ? '' : ` (${name})`}`;
  if (name === undefined || name === '') {
    ctx.note('warning', entry.start, `${what} has no name; it is skipped`);
    return;
  }
  const newName = part(ctx, get(entry, 'newName'), `${what} newName`);
  const newTag = part(ctx, get(entry, 'newTag'), `${what} newTag`);
  const digest = part(ctx, get(entry, 'digest'), `${what} digest`);
  // An entry that only renames (or names nothing new) has no version for tagpilot to move.
  if (newTag === undefined && digest === undefined) return;
  const reference = `${newName?.value ?? name}${newTag === undefined ? '' : `:${newTag.value}`}${digest === undefined ? '' : `@${digest.value}`}`;
  const anchor = newTag ?? digest ?? newName;
  const current = ctx.imageRef(reference, anchor?.start ?? entry.start, what);
  if (current === undefined) return;
  const container = containerNameOf(name);
  const policy = policyForContainer(where.workloadPolicy, container);
  ctx.reportPolicyError(policy, where.annotationsOffset, `${where.owner} ${what}`);
  ctx.addSlot(
    {
      source: 'kustomize',
      documentIndex: where.documentIndex,
      yamlPath: `${where.path}[${index}]`,
      line: ctx.lines.line(anchor?.start ?? entry.start),
      shape: {
        kind: 'parts',
        repository: newName && [newName.start, newName.end],
        tag: newTag && [newTag.start, newTag.end],
        digest: digest && [digest.start, digest.end],
      },
      current,
      workload: undefined,
      container,
      workloadPolicy: where.workloadPolicy,
      policy,
      fromMarker: false,
      object: where.object,
    },
    [newName, newTag, digest],
  );
}
