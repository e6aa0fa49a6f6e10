/**
 * Workload and slot ids, one grammar for every command and commit trailer:
 * `<namespace>:<kind>/<name>` for containers of workloads (kind printed lower-case, as `fluxctl`
 * printed them) and `<file>#<yaml path>` for image fields that belong to no workload
 * (Kustomize `images:`, Helm values, inline markers).
 */
import { TagpilotError } from '../errors/index.js';

export interface WorkloadId {
  readonly namespace: string;
  /** Lower-case kind, e.g. `deployment`. */
  readonly kind: string;
  readonly name: string;
}

export class WorkloadIdError extends TagpilotError {
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(
      'WORKLOAD_ID_INVALID',
      `invalid workload id ${JSON.stringify(input)}: ${problem}; expected <namespace>:<kind>/<name>, e.g. prod:deployment/api`,
    );
  }
}

// Kubernetes names: DNS-1123 subdomains (names) and labels (namespaces); kinds are CamelCase words.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Parses `ns:kind/name`; `kind/name` gets `defaultNamespace`. The kind is matched
 * case-insensitively (`Deployment` and `deployment` are the same) and kept lower-case.
 */
export function parseWorkloadId(input: string, defaultNamespace = 'default'): WorkloadId {
  const colon = input.indexOf(':');
  const namespace = colon === -1 ? defaultNamespace : input.slice(0, colon);
  const rest = colon === -1 ? input : input.slice(colon + 1);
  const slash = rest.indexOf('/');
  if (slash === -1) throw new WorkloadIdError(input, 'missing "/" between kind and name');
  const kind = rest.slice(0, slash);
  const name = rest.slice(slash + 1);
  if (!NAMESPACE.test(namespace))
    throw new WorkloadIdError(
      input,
      `namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace`,
    );
  if (!KIND.test(kind))
    throw new WorkloadIdError(input, `kind ${JSON.stringify(kind)} is not a Kubernetes kind`);
  if (name.length === 0 || name.length > 253 || !NAME.test(name))
    throw new WorkloadIdError(input, `name ${JSON.stringify(name)} is not a valid Kubernetes name`);
  return { namespace, kind: kind.toLowerCase(), name };
}

export function formatWorkloadId(id: WorkloadId): string {
  return `${id.namespace}:${id.kind.toLowerCase()}/${id.name}`;
}

export function sameWorkload(a: WorkloadId, b: WorkloadId): boolean {
  return (
    a.namespace === b.namespace &&
    a.kind.toLowerCase() === b.kind.toLowerCase() &&
    a.name === b.name
  );
}

/**
 * The id of an image field outside any workload: `<file>#<yaml path>`, e.g.
 * `apps/values.yaml#.image.tag`. The YAML path is written `.key.key[0]`.
 */
export function formatFieldSlotId(file: string, yamlPath: string): string {
  return `${file}#${yamlPath}`;
}

export function parseFieldSlotId(input: string): { file: string; yamlPath: string } | undefined {
  const hash = input.lastIndexOf('#');
  if (hash <= 0 || hash === input.length - 1) return undefined;
  return { file: input.slice(0, hash), yamlPath: input.slice(hash + 1) };
}
