/**
 * Flux HelmRelease values. The image shapes are the ones Flux v1's Helm integration recognised
 * (flux docs/references/helm-operator-integration.md), at the top of `spec.values` (container
 * name `chart-image`) or one key down (container name = that key):
 *
 *   image: repo:tag                      image: {repository: repo, tag: t}
 *   image: repo + tag: t                 image: {registry: r, repository: repo, tag: t}
 *   registry: r + image: repo + tag: t
 *
 * plus the alias annotations `repository.fluxcd.io/<alias>` (required), `tag.fluxcd.io/<alias>`
 * and `registry.fluxcd.io/<alias>`, whose values are dot paths into `spec.values`; an alias
 * names the container `<alias>` and takes precedence over detection of the same scalars.
 * These three keys map fields, they are not policies; policies go through the policy layer.
 */
import { policyForContainer, type WorkloadPolicy } from '../../policy/index.js';
import type { ImageShape } from '../types.js';
import type { FileContext } from './context.js';
import type { ObjectInfo } from './objects.js';
import { get, getIn, pathKey, stringMap, type YMap, type YNode, type YScalar } from './tree.js';

const GROUPS = new Set(['helm.toolkit.fluxcd.io', 'helm.fluxcd.io', 'flux.weave.works']);

export function isHelmRelease(info: ObjectInfo): boolean {
  const group = info.apiVersion?.split('/')[0];
  return info.kind === 'HelmRelease' && group !== undefined && GROUPS.has(group);
}

interface Parts {
  readonly registry?: YScalar | undefined;
  readonly repository: YScalar;
  readonly tag?: YScalar | undefined;
  /** True when `repository` holds a whole reference (`image: repo:tag`). */
  readonly whole: boolean;
  readonly yamlPath: string;
}

interface Release {
  readonly ctx: FileContext;
  readonly info: ObjectInfo;
  readonly documentIndex: number;
  readonly workloadPolicy: WorkloadPolicy;
  readonly annotationsOffset: number;
}

export function extractHelmRelease(
  ctx: FileContext,
  node: YMap,
  info: ObjectInfo,
  documentIndex: number,
  basePath: string,
): void {
  const values = getIn(node, ['spec', 'values']);
  const valuesPath = `${basePath}.spec.values`;
  const annotationsNode = get(info.metadata, 'annotations');
  const annotations = stringMap(annotationsNode);
  const release: Release = {
    ctx,
    info,
    documentIndex,
    workloadPolicy: ctx.workloadPolicy(annotations, annotationsNode?.start ?? node.start),
    annotationsOffset: annotationsNode?.start ?? node.start,
  };
  ctx.objects.push({ key: info.key, line: ctx.lines.line(node.start) });
  if (values?.t !== 'map') return;

  const taken = new Set<number>();
  for (const [alias, parts] of aliases(ctx, values, valuesPath, annotations, release)) {
    taken.add(parts.repository.start);
    addSlot(release, alias, parts);
  }
  const top = detect(values, valuesPath);
  if (top !== undefined && !taken.has(top.repository.start)) addSlot(release, 'chart-image', top);
  for (let i = 0; i < values.keys.length; i++) {
    const key = values.keys[i];
    const value = values.values[i];
    if (key?.t !== 'scalar' || value?.t !== 'map') continue;
    const found = detect(value, pathKey(valuesPath, key.value));
    if (found !== undefined && !taken.has(found.repository.start))
      addSlot(release, key.value, found);
  }
}

function scalar(node: YNode | undefined): YScalar | undefined {
  return node?.t === 'scalar' &&
    (node.style === 'plain' || node.style === 'single' || node.style === 'double')
    ? node
    : undefined;
}

/** One Flux v1 shape in a map, or undefined. */
function detect(map: YMap, path: string): Parts | undefined {
  const image = get(map, 'image');
  const imageScalar = scalar(image);
  if (imageScalar !== undefined && imageScalar.value !== '') {
    const tag = scalar(get(map, 'tag'));
    if (tag === undefined)
      return { repository: imageScalar, whole: true, yamlPath: pathKey(path, 'image') };
    return {
      registry: scalar(get(map, 'registry')),
      repository: imageScalar,
      tag,
      whole: false,
      yamlPath: path,
    };
  }
  if (image?.t === 'map') {
    const repository = scalar(get(image, 'repository'));
    if (repository === undefined || repository.value === '') return undefined;
    return {
      registry: scalar(get(image, 'registry')),
      repository,
      tag: scalar(get(image, 'tag')),
      whole: false,
      yamlPath: pathKey(path, 'image'),
    };
  }
  return undefined;
}

const ALIAS = /^(repository|tag|registry)\.fluxcd\.io\/(.+)$/;

function aliases(
  ctx: FileContext,
  values: YMap,
  valuesPath: string,
  annotations: Readonly<Record<string, string>>,
  release: Release,
): Map<string, Parts> {
  const byAlias = new Map<string, Partial<Record<'repository' | 'tag' | 'registry', string>>>();
  for (const [key, value] of Object.entries(annotations)) {
    const match = ALIAS.exec(key);
    if (match === null) continue;
    const [, field, alias] = match as unknown as [
      string,
      'repository' | 'tag' | 'registry',
      string,
    ];
    byAlias.set(alias, { ...byAlias.get(alias), [field]: value });
  }
  const out = new Map<string, Parts>();
  for (const [alias, paths] of byAlias) {
    const where = `${release.info.key} alias ${alias}`;
    if (paths.repository === undefined) {
      ctx.note(
        'error',
        release.annotationsOffset,
        `${where}: repository.fluxcd.io/${alias} is required`,
      );
      continue;
    }
    const at = (dotted: string | undefined): YScalar | undefined =>
      dotted === undefined ? undefined : scalar(getIn(values, dotted.split('.')));
    const repository = at(paths.repository);
    const tag = at(paths.tag);
    const registry = at(paths.registry);
    const missing = (['repository', 'tag', 'registry'] as const).find(
      (f) => paths[f] !== undefined && at(paths[f]) === undefined,
    );
    if (repository === undefined || missing !== undefined) {
      ctx.note(
        'error',
        release.annotationsOffset,
        `${where}: ${missing ?? 'repository'}.fluxcd.io/${alias} names ${JSON.stringify(paths[missing ?? 'repository'])}, which is not a string in spec.values`,
      );
      continue;
    }
    out.set(alias, {
      registry,
      repository,
      tag,
      whole: tag === undefined && registry === undefined,
      yamlPath: `${valuesPath}.${paths.repository}`,
    });
  }
  return out;
}

function addSlot(release: Release, container: string, parts: Parts): void {
  const { ctx, info } = release;
  const what = `${info.key} image ${container}`;
  const tag = parts.tag?.value === '' ? undefined : parts.tag?.value;
  const name =
    parts.registry !== undefined && parts.registry.value !== ''
      ? `${parts.registry.value}/${parts.repository.value}`
      : parts.repository.value;
  const current = ctx.imageRef(
    tag === undefined ? name : `${name}:${tag}`,
    parts.repository.start,
    what,
  );
  if (current === undefined) return;
  const shape: ImageShape = parts.whole
    ? { kind: 'reference', range: [parts.repository.start, parts.repository.end] }
    : {
        kind: 'parts',
        registry: parts.registry && [parts.registry.start, parts.registry.end],
        repository: [parts.repository.start, parts.repository.end],
        tag: parts.tag && [parts.tag.start, parts.tag.end],
      };
  const policy = policyForContainer(release.workloadPolicy, container);
  ctx.reportPolicyError(policy, release.annotationsOffset, what);
  ctx.addSlot(
    {
      source: 'helm-release',
      documentIndex: release.documentIndex,
      yamlPath: parts.yamlPath,
      line: ctx.lines.line(parts.repository.start),
      shape,
      current,
      workload: info.id,
      container,
      workloadPolicy: release.workloadPolicy,
      policy,
      fromMarker: false,
      object: info.key,
    },
    [parts.registry, parts.repository, parts.tag],
  );
}
