/**
 * Policy drift: a live workload's `tagpilot.io/*` or `fluxcd.io/*` annotations that differ from
 * its manifest in Git (someone ran `kubectl annotate`). Git stays the source of truth; this only
 * says what differs, for the PolicyDrift Event, the metric, the status API and `explain`.
 * Annotations Kubernetes or tools add (`kubectl.kubernetes.io/*`, `deployment.kubernetes.io/*`)
 * are not policy and never count.
 */
export const POLICY_ANNOTATION_PREFIXES = ['tagpilot.io/', 'fluxcd.io/'] as const;

export interface AnnotationDrift {
  readonly key: string;
  /** The value in Git; undefined when only the live object has the key. */
  readonly git: string | undefined;
  /** The live value; undefined when the live object lacks the key. */
  readonly live: string | undefined;
}

function isPolicyKey(key: string): boolean {
  return POLICY_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** The policy annotations that differ, sorted by key; empty when Git and the cluster agree. */
export function policyDrift(
  git: Readonly<Record<string, string>>,
  live: Readonly<Record<string, string>>,
): AnnotationDrift[] {
  const keys = new Set([...Object.keys(git), ...Object.keys(live)].filter(isPolicyKey));
  return [...keys]
    .sort()
    .flatMap((key) => (git[key] === live[key] ? [] : [{ key, git: git[key], live: live[key] }]));
}

/** One line for an Event note or `explain`: `tagpilot.io/tag.api: semver:^1 in Git, semver:^2 live`. */
export function describeDrift(drift: readonly AnnotationDrift[]): string {
  return drift
    .map(
      ({ key, git, live }) =>
        `${key}: ${git === undefined ? 'absent' : JSON.stringify(git)} in Git, ${live === undefined ? 'absent' : JSON.stringify(live)} live`,
    )
    .join('; ');
}
