/**
 * Slot ids (decision 0034): `<namespace>:<kind>/<name>/<container>` for workload containers,
 * `<file>#<yaml path>` for everything else. Kubernetes names hold neither `/` nor `#`.
 */
import {
  formatWorkloadId,
  parseFieldSlotId,
  parseWorkloadId,
  type WorkloadId,
} from '../../policy/index.js';

export type SlotIdParts =
  | { readonly kind: 'container'; readonly workload: WorkloadId; readonly container: string }
  | { readonly kind: 'field'; readonly file: string; readonly yamlPath: string };

export function formatContainerSlotId(workload: WorkloadId, container: string): string {
  return `${formatWorkloadId(workload)}/${container}`;
}

/**
 * Reads a slot id back; throws WorkloadIdError for a container id whose workload part is not
 * `ns:kind/name`, and returns undefined for text that is neither form.
 */
export function parseSlotId(id: string, defaultNamespace = 'default'): SlotIdParts | undefined {
  const field = id.includes('#') ? parseFieldSlotId(id) : undefined;
  if (field !== undefined) return { kind: 'field', ...field };
  const slash = id.lastIndexOf('/');
  const firstSlash = id.indexOf('/');
  if (slash === -1 || slash === firstSlash || slash === id.length - 1) return undefined;
  return {
    kind: 'container',
    workload: parseWorkloadId(id.slice(0, slash), defaultNamespace),
    container: id.slice(slash + 1),
  };
}
