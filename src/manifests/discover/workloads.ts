/**
 * Containers of workload kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob
 * (through `jobTemplate`) and Pod; `containers`, `initContainers` and `ephemeralContainers`.
 * Policies come from the workload's `metadata.annotations` through the policy layer.
 */
import { policyForContainer } from '../../policy/index.js';
import type { FileContext } from './context.js';
import type { ObjectInfo } from './objects.js';
import { get, getIn, stringMap, text, type YMap } from './tree.js';

/** Where the pod spec lives, per kind (the Kubernetes API reference for each kind). */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

export function isWorkloadKind(kind: string): boolean {
  return Object.hasOwn(POD_SPEC, kind);
}

export function extractWorkload(
  ctx: FileContext,
  node: YMap,
  info: ObjectInfo,
  documentIndex: number,
  basePath: string,
): void {
  const specPath = POD_SPEC[info.kind];
  if (specPath === undefined) return;
  const podSpec = getIn(node, specPath);
  const annotationsNode = get(info.metadata, 'annotations');
  const workloadPolicy = ctx.workloadPolicy(
    stringMap(annotationsNode),
    annotationsNode?.start ?? node.start,
  );
  ctx.objects.push({ key: info.key, line: ctx.lines.line(node.start) });
  const specPrefix = `${basePath}.${specPath.join('.')}`;
  for (const list of CONTAINER_LISTS) {
    const containers = get(podSpec, list);
    if (containers?.t !== 'seq') continue;
    containers.items.forEach((container, index) => {
      const name = text(get(container, 'name'));
      const image = get(container, 'image');
      if (name === undefined || image === undefined) return;
      const yamlPath = `${specPrefix}.${list}[${index}].image`;
      const what = `${info.key} container ${name}`;
      const scalar = ctx.editableScalar(image, `image of ${what}`);
      if (scalar === undefined) return;
      const current = ctx.imageRef(scalar.value, scalar.start, `image of ${what}`);
      if (current === undefined) return;
      const policy = policyForContainer(workloadPolicy, name);
      ctx.reportPolicyError(policy, annotationsNode?.start ?? scalar.start, what);
      ctx.addSlot(
        {
          source: 'workload',
          documentIndex,
          yamlPath,
          line: ctx.lines.line(scalar.start),
          shape: { kind: 'reference', range: [scalar.start, scalar.end] },
          current,
          workload: info.id,
          container: name,
          workloadPolicy,
          policy,
          fromMarker: false,
          object: info.key,
        },
        [scalar],
      );
    });
  }
}
