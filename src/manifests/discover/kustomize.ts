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
 */
import { policyForContainer } from '../../policy/index.js';
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
  const images = get(root, 'images');
  if (images?.t !== 'seq') return;
  const metadata = get(root, 'metadata');
  const annotationsNode = get(metadata, 'annotations');
  const annotationsOffset = annotationsNode?.start ?? root.start;
  const workloadPolicy = ctx.workloadPolicy(stringMap(annotationsNode), annotationsOffset);
  images.items.forEach((entry, index) => {
    if (entry.t !== 'map') return;
    extractImage(ctx, entry, index, documentIndex, workloadPolicy, annotationsOffset);
  });
}

function extractImage(
  ctx: FileContext,
  entry: YMap,
  index: number,
  documentIndex: number,
  workloadPolicy: ReturnType<FileContext['workloadPolicy']>,
  annotationsOffset: number,
): void {
  const name = text(get(entry, 'name'));
  const what = `images[${index}]${name === undefined ? '' : ` (${name})`}`;
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
  const policy = policyForContainer(workloadPolicy, container);
  ctx.reportPolicyError(policy, annotationsOffset, `kustomization ${what}`);
  ctx.addSlot(
    {
      source: 'kustomize',
      documentIndex,
      yamlPath: `.images[${index}]`,
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
      workloadPolicy,
      policy,
      fromMarker: false,
      object: undefined,
    },
    [newName, newTag, digest],
  );
}
