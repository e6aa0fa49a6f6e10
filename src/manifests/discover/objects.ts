/** Kubernetes object identity: kind, name, namespace (with the configured default). */
import { formatWorkloadId, type WorkloadId } from '../../policy/index.js';
import type { FileContext } from './context.js';
import { get, getIn, text, type YMap } from './tree.js';

export interface ObjectInfo {
  readonly kind: string;
  readonly apiVersion: string | undefined;
  readonly id: WorkloadId;
  /** `ns:kind/name`. */
  readonly key: string;
  readonly metadata: YMap | undefined;
}

/** Reads kind and metadata; undefined (with a note when it matters) if there is no name. */
export function objectInfo(ctx: FileContext, node: YMap, what: string): ObjectInfo | undefined {
  const kind = text(get(node, 'kind'));
  if (kind === undefined) return undefined;
  const metadataNode = get(node, 'metadata');
  const metadata = metadataNode?.t === 'map' ? metadataNode : undefined;
  const name = text(get(metadata, 'name'));
  if (name === undefined || name === '') {
    ctx.note('warning', node.start, `${what} ${kind} has no metadata.name; its images are skipped`);
    return undefined;
  }
  const namespace = text(getIn(metadata, ['namespace'])) || ctx.options.defaultNamespace;
  const id: WorkloadId = { namespace, kind: kind.toLowerCase(), name };
  return {
    kind,
    apiVersion: text(get(node, 'apiVersion')),
    id,
    key: formatWorkloadId(id),
    metadata,
  };
}
