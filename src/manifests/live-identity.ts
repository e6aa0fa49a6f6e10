/**
 * Which live object a manifest becomes once kustomize has built it: the root kustomization's
 * `namespace:` replaces the namespace, and `namePrefix`/`nameSuffix` wrap the name — at every
 * level from the kustomization that lists the file up to the root, inner first, so an outer
 * prefix ends up in front (`kustomize build` semantics, kubectl's kustomize v5). A base that two
 * overlays include becomes two live objects. Pure: the caller passes the kustomization files.
 */
import { parse } from 'yaml';
import { dirname, resolveFrom } from './discover/roots.js';

export interface KustomizeTransforms {
  /** Repository path of the directory holding the kustomization file (`` for the root). */
  readonly dir: string;
  readonly namespace?: string | undefined;
  readonly namePrefix?: string | undefined;
  readonly nameSuffix?: string | undefined;
  /** `resources`, `bases` and `components`, resolved to repository paths. */
  readonly resources: readonly string[];
}

export interface LiveIdentity {
  readonly namespace: string;
  readonly name: string;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the fields that change identities; undefined when the text is not a mapping. */
export function parseKustomizeTransforms(
  file: string,
  text: string,
): KustomizeTransforms | undefined {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return undefined; // discovery reports unparsable files; here they simply transform nothing
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return undefined;
  const fields = document as Record<string, unknown>;
  const dir = dirname(file);
  const resources = ['resources', 'bases', 'components'].flatMap((key) => {
    const list = fields[key];
    return Array.isArray(list)
      ? list.flatMap((entry) => {
          const resolved = typeof entry === 'string' ? resolveFrom(dir, entry) : undefined;
          return resolved === undefined ? [] : [resolved];
        })
      : [];
  });
  return {
    dir,
    namespace: stringField(fields.namespace),
    namePrefix: stringField(fields.namePrefix),
    nameSuffix: stringField(fields.nameSuffix),
    resources,
  };
}

/**
 * The live identities of the object `name` (namespace as written in the manifest, if any) in
 * `file`, through every chain of kustomizations that includes the file; the manifest's own
 * identity (with `defaultNamespace`) when none includes it.
 */
export function liveIdentities(
  file: string,
  object: { readonly namespace?: string | undefined; readonly name: string },
  defaultNamespace: string,
  kustomizations: readonly KustomizeTransforms[],
): LiveIdentity[] {
  const includers = (path: string): KustomizeTransforms[] =>
    kustomizations.filter((kustomization) => kustomization.resources.includes(path));
  const own: LiveIdentity = { namespace: object.namespace ?? defaultNamespace, name: object.name };
  const results = new Map<string, LiveIdentity>();
  const walk = (path: string, identity: LiveIdentity, seen: ReadonlySet<string>): void => {
    const parents = includers(path).filter((parent) => !seen.has(parent.dir));
    if (parents.length === 0) {
      if (path !== file) results.set(`${identity.namespace}/${identity.name}`, identity);
      return;
    }
    for (const parent of parents) {
      const next: LiveIdentity = {
        namespace: parent.namespace ?? identity.namespace,
        name: `${parent.namePrefix ?? ''}${identity.name}${parent.nameSuffix ?? ''}`,
      };
      walk(parent.dir, next, new Set([...seen, parent.dir]));
    }
  };
  walk(file, own, new Set());
  return results.size === 0 ? [own] : [...results.values()];
}
