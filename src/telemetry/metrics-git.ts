/** Git metrics: operations against the remote and the checkout, and push races. */
import { Counter, type Registry } from 'prom-client';
import type { GitOperation, GitResult } from './metrics-labels.js';

export class GitMetrics {
  readonly #operations: Counter<'operation' | 'result'>;
  readonly #conflicts: Counter<'repository'>;

  constructor(registry: Registry) {
    this.#operations = new Counter({
      name: 'tagpilot_git_operations_total',
      help: 'Git operations (advertise, fetch, commit, push) by result.',
      labelNames: ['operation', 'result'],
      registers: [registry],
    });
    this.#conflicts = new Counter({
      name: 'tagpilot_git_push_conflicts_total',
      help: 'Pushes refused because the branch moved (a race), by Git repository; tagpilot re-plans.',
      labelNames: ['repository'],
      registers: [registry],
    });
  }

  operation(operation: GitOperation, result: GitResult): void {
    this.#operations.inc({ operation, result });
  }

  pushConflict(repository: string): void {
    this.#conflicts.inc({ repository });
  }
}
