/**
 * Flux's Kustomization object (`kustomize.toolkit.fluxcd.io`, any version: `spec.images` exists
 * in v1beta1, v1beta2 and v1). Its `spec.images` entries have kustomize's `images:` type and
 * meaning (flux2 kustomize-controller API, "Images"), so they are read by the same rule as a
 * kustomization file's `images:` (kustomize.ts) and give the same slots: field slot ids
 * `<file>#<yaml path>`, container name = last path segment of `name`, policies from the object's
 * own `metadata.annotations` or a marker (decision 0063).
 *
 * Unlike a kustomization file, the Flux Kustomization is a Kubernetes object with an identity: it
 * counts as a definition for duplicate detection, and a copy in a kustomize patch is not one.
 */
import type { FileContext } from './context.js';
import { extractImageEntries } from './kustomize.js';
import type { ObjectInfo } from './objects.js';
import { get, getIn, stringMap, type YMap } from './tree.js';

const GROUP = 'kustomize.toolkit.fluxcd.io';

/** `kind: Kustomization` in Flux's API group (not kustomize's own `kustomize.config.k8s.io`). */
export function isFluxKustomization(kind: string, apiVersion: string | undefined): boolean {
  return kind === 'Kustomization' && apiVersion?.split('/')[0] === GROUP;
}

export function extractFluxKustomization(
  ctx: FileContext,
  node: YMap,
  info: ObjectInfo,
  documentIndex: number,
  basePath: string,
): void {
  const annotationsNode = get(info.metadata, 'annotations');
  const annotationsOffset = annotationsNode?.start ?? node.start;
  ctx.objects.push({ key: info.key, line: ctx.lines.line(node.start) });
  extractImageEntries(ctx, getIn(node, ['spec', 'images']), {
    documentIndex,
    path: `${basePath}.spec.images`,
    what: 'spec.images',
    owner: `Kustomization ${info.key}`,
    workloadPolicy: ctx.workloadPolicy(stringMap(annotationsNode), annotationsOffset),
    annotationsOffset,
    object: info.key,
  });
}
