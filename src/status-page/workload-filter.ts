/** The workloads table's rows and filters: pure, so tests run in Node. */
import type { StatusReport, WorkloadStatus } from '../server/status-schema.js';

export interface WorkloadRow {
  /** The Git repository's name (as the controller and `tagpilot trigger` know it). */
  readonly repository: string;
  readonly workload: WorkloadStatus;
}

export interface WorkloadFilter {
  /** Free text, matched case-insensitively against workload, container, image, file and tags. */
  readonly q?: string | undefined;
  readonly repository?: string | undefined;
  readonly namespace?: string | undefined;
  readonly state?: string | undefined;
  readonly image?: string | undefined;
}

export function workloadRows(report: StatusReport): WorkloadRow[] {
  return report.repositories.flatMap((repository) =>
    repository.workloads.map((workload) => ({ repository: repository.name, workload })),
  );
}

/** `(none)` stands for workloads without a namespace (Helm values, inline markers). */
export const NO_NAMESPACE = '(none)';

export function filterRows(rows: readonly WorkloadRow[], filter: WorkloadFilter): WorkloadRow[] {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(({ repository, workload: w }) => {
    if (filter.repository !== undefined && repository !== filter.repository) return false;
    if (filter.state !== undefined && w.state !== filter.state) return false;
    if (filter.image !== undefined && w.image !== filter.image) return false;
    if (filter.namespace !== undefined && (w.namespace ?? NO_NAMESPACE) !== filter.namespace)
      return false;
    if (words.length === 0) return true;
    const text = [
      repository,
      w.slot,
      w.workload,
      w.container,
      w.image,
      w.file,
      w.currentTag,
      w.bestTag,
      w.policy,
    ]
      .filter((part): part is string => typeof part === 'string')
      .join(' ')
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** The distinct values each select offers, sorted. */
export function filterChoices(rows: readonly WorkloadRow[]): {
  repositories: string[];
  namespaces: string[];
  images: string[];
} {
  const repositories = new Set<string>();
  const namespaces = new Set<string>();
  const images = new Set<string>();
  for (const { repository, workload } of rows) {
    repositories.add(repository);
    namespaces.add(workload.namespace ?? NO_NAMESPACE);
    images.add(workload.image);
  }
  const sorted = (set: Set<string>): string[] => [...set].sort();
  return {
    repositories: sorted(repositories),
    namespaces: sorted(namespaces),
    images: sorted(images),
  };
}
