/**
 * One file's text to its facts (facts.ts): pre-screen, parse every document, walk objects
 * (workloads, HelmReleases, Flux Kustomizations; `kind: List` items too), apply inline markers.
 * Pure; never throws for bad input.
 */
import { YAMLException } from 'js-yaml';
import { FileContext } from './context.js';
import type { ExtractOptions, FileFacts, KustomizationRefs, NoteFact } from './facts.js';
import { scanDocuments } from './fast-tree.js';
import { extractFluxKustomization, isFluxKustomization } from './flux-kustomization.js';
import { extractHelmRelease, isHelmRelease } from './helm-release.js';
import { extractKustomization, kustomizationRefs } from './kustomize.js';
import { applyMarkers } from './markers.js';
import { objectInfo } from './objects.js';
import { mayHoldSlots, templateOffset } from './prescreen.js';
import { get, getIn, parseDocuments, text, type YDocument, type YMap, type YNode } from './tree.js';
import { extractWorkload, isWorkloadKind } from './workloads.js';

const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function only(notes: readonly NoteFact[], parsed: boolean, screenedOut = false): FileFacts {
  return { notes, slots: [], objects: [], kustomization: undefined, parsed, screenedOut };
}

/** Decodes strictly (the BOM is kept as U+FEFF); undefined when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return DECODER.decode(bytes);
  } catch {
    return undefined;
  }
}

export function extractBytes(bytes: Uint8Array, options: ExtractOptions): FileFacts {
  const source = decodeUtf8(bytes);
  if (source === undefined)
    return only(
      [{ severity: 'warning', message: 'not UTF-8 text; skipped and never rewritten' }],
      false,
    );
  return extractText(source, options);
}

export function extractText(source: string, options: ExtractOptions): FileFacts {
  if (!options.kustomization && !mayHoldSlots(source)) return only([], false, true);
  const ctx = new FileContext(source, options);
  let documents: YDocument[];
  try {
    // The line scanner covers plain block YAML; anything else goes to the real parser.
    documents = scanDocuments(source) ?? parseDocuments(source);
  } catch (error: unknown) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark === undefined ? undefined : error.mark.line + 1;
    const column = error.mark === undefined ? undefined : error.mark.column + 1;
    if (source.includes('{{'))
      return only(
        [{ severity: 'info', line, column, message: 'a template with {{ }}, not YAML; skipped' }],
        true,
      );
    return only(
      [{ severity: 'error', line, column, message: `malformed YAML: ${error.reason}` }],
      true,
    );
  }
  if (source.includes('{{')) {
    const at = templateOffset(source, dataRanges(documents));
    if (at !== undefined) {
      ctx.note('info', at, 'a template with {{ }} outside strings, not plain YAML; skipped');
      return only(ctx.notes, true);
    }
  }
  let kustomization: KustomizationRefs | undefined;
  documents.forEach((document, index) => {
    if (options.kustomization) {
      kustomization ??= kustomizationRefs(document.root);
      extractKustomization(ctx, document.root, index);
    } else if (document.root?.t === 'map') extractObject(ctx, document.root, index, '');
  });
  applyMarkers(ctx, documents);
  return {
    notes: ctx.notes,
    slots: ctx.slots,
    objects: ctx.objects,
    kustomization,
    parsed: true,
    screenedOut: false,
  };
}

function extractObject(
  ctx: FileContext,
  node: YMap,
  documentIndex: number,
  basePath: string,
): void {
  const kind = get(node, 'kind');
  if (kind?.t !== 'scalar') return;
  if (kind.value === 'List' || kind.value.endsWith('List')) {
    const items = get(node, 'items');
    if (items?.t === 'seq')
      items.items.forEach((item, i) => {
        if (item.t === 'map') extractObject(ctx, item, documentIndex, `${basePath}.items[${i}]`);
      });
    return;
  }
  // A Flux Kustomization matters only for its spec.images (a sync object otherwise).
  const flux =
    kind.value === 'Kustomization' &&
    isFluxKustomization(kind.value, text(get(node, 'apiVersion'))) &&
    getIn(node, ['spec', 'images'])?.t === 'seq';
  if (!isWorkloadKind(kind.value) && kind.value !== 'HelmRelease' && !flux) return;
  const info = objectInfo(ctx, node, basePath === '' ? 'object' : `list item ${basePath}`);
  if (info === undefined) return;
  if (isWorkloadKind(info.kind)) extractWorkload(ctx, node, info, documentIndex, basePath);
  else if (isHelmRelease(info)) extractHelmRelease(ctx, node, info, documentIndex, basePath);
  else if (flux) extractFluxKustomization(ctx, node, info, documentIndex, basePath);
}

function dataRanges(documents: readonly YDocument[]): [number, number][] {
  const out: [number, number][] = [];
  const walk = (node: YNode | undefined): void => {
    if (node === undefined) return;
    if (node.t === 'scalar') {
      if (node.style !== 'plain') out.push([node.start, node.end]);
    } else if (node.t === 'seq') node.items.forEach(walk);
    else if (node.t === 'map') {
      node.keys.forEach(walk);
      node.values.forEach(walk);
    }
  };
  for (const document of documents) walk(document.root);
  return out;
}
