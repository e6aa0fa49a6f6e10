/**
 * Test fixtures for the planner: image slots built from plain values, and a stand-in `select`
 * with the policy contract's shape (semver-like ordering of `x.y.z` tags, `above` for holds), so
 * the planner's own rules are tested apart from the policy engine's.
 */
import { parseImageRef } from '../../src/image/index.js';
import type { ImageSlot } from '../../src/manifests/types.js';
import type {
  Candidate,
  ContainerPolicy,
  Decision,
  Policy,
  Reason,
  SelectOptions,
  WorkloadPolicy,
} from '../../src/policy/index.js';
import { PolicyError } from '../../src/policy/index.js';

export function policy(source = 'semver:*'): Policy {
  return {
    source,
    expr: { kind: 'semver', range: '*', lenient: false },
    semantics: 'tagpilot',
    order: { by: 'semver' },
    isDefault: false,
  };
}

export function workload(overrides: Partial<WorkloadPolicy> = {}): WorkloadPolicy {
  return {
    automated: true,
    automatedAnnotation: true,
    automatedKey: 'tagpilot.io/automated',
    locked: false,
    lockedBy: undefined,
    lockedMessage: undefined,
    ignored: false,
    containers: new Map(),
    warnings: [],
    ...overrides,
  };
}

export interface SlotSpec {
  name?: string;
  container?: string;
  image: string;
  file?: string;
  policy?: string | null | PolicyError;
  pin?: boolean;
  workload?: Partial<WorkloadPolicy>;
}

export function slot(spec: SlotSpec): ImageSlot {
  const name = spec.name ?? 'api';
  const container = spec.container ?? name;
  const containerPolicy: ContainerPolicy | PolicyError | undefined =
    spec.policy === null
      ? undefined
      : spec.policy instanceof PolicyError
        ? spec.policy
        : {
            policy: policy(spec.policy ?? 'semver:*'),
            key: 'tagpilot.io/tag.x',
            pinDigest: spec.pin ?? false,
          };
  return {
    id: `prod:deployment/${name}/${container}`,
    file: spec.file ?? `apps/${name}.yaml`,
    documentIndex: 0,
    yamlPath: '.spec.template.spec.containers[0].image',
    line: 10,
    shape: { kind: 'reference', range: [0, 1] },
    current: parseImageRef(spec.image),
    workload: { namespace: 'prod', kind: 'deployment', name },
    container,
    workloadPolicy: workload(spec.workload),
    policy: containerPolicy,
    root: 'apps',
  };
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;
function compare(a: string, b: string): number {
  const pa = VERSION.exec(a)!.slice(1).map(Number);
  const pb = VERSION.exec(b)!.slice(1).map(Number);
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

function reason(total: number, matched: number, text: string, winner?: string): Reason {
  return { rule: 'fake semver', semantics: 'tagpilot', total, matched, text, winner };
}

/** Highest `x.y.z` wins; `glob:latest` accepts only `latest`; never downgrades; honours `above`. */
export function fakeSelect(
  p: Policy,
  current: string | undefined,
  candidates: readonly Candidate[],
  options: SelectOptions = {},
): Decision {
  if (p.source === 'glob:latest') {
    const latest = candidates.find((c) => c.tag === 'latest');
    if (latest === undefined)
      return {
        kind: 'error',
        code: 'NO_MATCH',
        message: 'no latest',
        reason: reason(candidates.length, 0, 'none'),
      };
    return current === 'latest'
      ? { kind: 'keep', tag: 'latest', reason: reason(candidates.length, 1, 'latest kept') }
      : {
          kind: 'update',
          from: current,
          to: latest,
          change: 'policy-change',
          reason: reason(candidates.length, 1, 'latest'),
        };
  }
  const matched = candidates
    .filter((c) => VERSION.test(c.tag))
    .sort((a, b) => compare(b.tag, a.tag));
  const best = matched[0];
  if (best === undefined)
    return {
      kind: 'error',
      code: 'NO_MATCH',
      message: 'no tag matched',
      reason: reason(candidates.length, 0, 'none'),
    };
  const r = (text: string): Reason => reason(candidates.length, matched.length, text, best.tag);
  if (current === undefined || !VERSION.test(current))
    return {
      kind: 'update',
      from: current,
      to: best,
      change: 'policy-change',
      reason: r(`${best.tag} is the highest`),
    };
  const floor = options.above;
  const eligible = matched.filter(
    (c) => compare(c.tag, current) > 0 && (floor === undefined || compare(c.tag, floor) > 0),
  );
  const winner = eligible[0];
  if (winner === undefined)
    return { kind: 'keep', tag: current, reason: r(`${current} is the highest allowed`) };
  return {
    kind: 'update',
    from: current,
    to: winner,
    change: 'update',
    reason: r(`${winner.tag} is the highest`),
  };
}

export const tags = (...names: string[]): Candidate[] => names.map((tag) => ({ tag }));
