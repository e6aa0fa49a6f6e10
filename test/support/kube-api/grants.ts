/** tagpilot's service account in the double and its grants: exactly RBAC_RULES (no client import). */
import { RBAC_RULES, type RbacCondition } from '../../../src/cluster/rbac.js';
import type { Grant, Verb } from './resources.js';

export const RELEASE_NAMESPACE = 'tagpilot-system';
export const SERVICE_ACCOUNT_TOKEN = 'tagpilot-sa-token';
export const SERVICE_ACCOUNT_USER = `system:serviceaccount:${RELEASE_NAMESPACE}:tagpilot`;
export const ADMIN_TOKEN = 'admin-token';

/** RBAC_RULES as grants: workload rules in `workloadNamespaces` (undefined: cluster-wide). */
export function grantsFor(options: {
  readonly workloadNamespaces?: readonly string[] | undefined;
  readonly releaseNamespace?: string;
  readonly conditions?: readonly RbacCondition[];
}): Grant[] {
  const conditions = options.conditions ?? ['events', 'coordination', 'fromImagePullSecrets'];
  const release = options.releaseNamespace ?? RELEASE_NAMESPACE;
  return RBAC_RULES.filter(
    (rule) => rule.when === undefined || conditions.includes(rule.when),
  ).flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.map((resource) => ({
        group,
        resource,
        verbs: rule.verbs as Verb[],
        ...(rule.scope === 'release'
          ? { namespaces: [release] }
          : options.workloadNamespaces === undefined
            ? {}
            : { namespaces: options.workloadNamespaces }),
      })),
    ),
  );
}
