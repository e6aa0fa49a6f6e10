/** Cycle metrics: how often cycles run, how they end, how long they and their commits take. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  WORKLOAD_STATES,
  type CycleResult,
  type CycleTrigger,
  type WorkloadState,
} from './metrics-labels.js';

export interface CycleFinished {
  readonly repository: string;
  readonly trigger: CycleTrigger;
  readonly result: CycleResult;
  readonly durationSeconds: number;
  /** When it ended (ms since the epoch); sets the last-success timestamp on success. */
  readonly finishedAt: number;
}

export interface WorkloadFact {
  readonly workload: string;
  readonly container: string;
  readonly state: WorkloadState;
}

const SUCCESS: ReadonlySet<CycleResult> = new Set(['committed', 'unchanged', 'skipped']);

export class CycleMetrics {
  readonly #cycles: Counter<'repository' | 'trigger' | 'result'>;
  readonly #duration: Histogram<'repository'>;
  readonly #lastSuccess: Gauge<'repository'>;
  readonly #triggerToCommit: Histogram<'trigger'>;
  readonly #imagesUpdated: Counter<'repository'>;
  readonly #workloads: Gauge<'repository' | 'state'>;
  readonly #workloadInfo: Gauge<'repository' | 'workload' | 'container' | 'state'> | undefined;
  readonly #workloadSeries = new Map<string, readonly WorkloadFact[]>();

  constructor(registry: Registry, perWorkload: boolean) {
    const registers = [registry];
    this.#cycles = new Counter({
      name: 'tagpilot_cycles_total',
      help: 'Automation cycles by Git repository, what triggered them and how they ended.',
      labelNames: ['repository', 'trigger', 'result'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'tagpilot_cycle_duration_seconds',
      help: 'Wall time of one automation cycle, by Git repository.',
      labelNames: ['repository'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: 'tagpilot_last_successful_cycle_timestamp_seconds',
      help: 'Unix time at which the last successful cycle of a Git repository ended.',
      labelNames: ['repository'],
      registers,
    });
    this.#triggerToCommit = new Histogram({
      name: 'tagpilot_trigger_to_commit_seconds',
      help: 'Time from a webhook (or the scan that found a new tag) to the commit being pushed.',
      labelNames: ['trigger'],
      buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.#imagesUpdated = new Counter({
      name: 'tagpilot_images_updated_total',
      help: 'Image fields rewritten in pushed commits, by Git repository.',
      labelNames: ['repository'],
      registers,
    });
    this.#workloads = new Gauge({
      name: 'tagpilot_workloads',
      help: 'Image slots under automation by Git repository and state (automated, locked, held, failing).',
      labelNames: ['repository', 'state'],
      registers,
    });
    this.#workloadInfo = perWorkload
      ? new Gauge({
          name: 'tagpilot_workload_info',
          help: 'One series per image slot with its state (opt-in: server.workloadMetrics).',
          labelNames: ['repository', 'workload', 'container', 'state'],
          registers,
        })
      : undefined;
  }

  /** Makes a repository's series exist at zero before its first cycle (for `absent()` alerts). */
  declareRepository(repository: string): void {
    this.#imagesUpdated.inc({ repository }, 0);
    for (const state of WORKLOAD_STATES) this.#workloads.set({ repository, state }, 0);
  }

  cycleFinished(cycle: CycleFinished): void {
    this.#cycles.inc({
      repository: cycle.repository,
      trigger: cycle.trigger,
      result: cycle.result,
    });
    this.#duration.observe({ repository: cycle.repository }, cycle.durationSeconds);
    if (SUCCESS.has(cycle.result))
      this.#lastSuccess.set({ repository: cycle.repository }, cycle.finishedAt / 1000);
  }

  /** A commit was pushed `seconds` after the trigger that led to it. */
  triggerToCommit(trigger: CycleTrigger, seconds: number): void {
    this.#triggerToCommit.observe({ trigger }, seconds);
  }

  imagesUpdated(repository: string, count: number): void {
    this.#imagesUpdated.inc({ repository }, count);
  }

  /** Replaces a repository's workload counts (and, when opted in, its per-workload series). */
  setWorkloads(repository: string, workloads: readonly WorkloadFact[]): void {
    for (const state of WORKLOAD_STATES) {
      const count = workloads.filter((workload) => workload.state === state).length;
      this.#workloads.set({ repository, state }, count);
    }
    const info = this.#workloadInfo;
    if (info === undefined) return;
    for (const old of this.#workloadSeries.get(repository) ?? [])
      info.remove({
        repository,
        workload: old.workload,
        container: old.container,
        state: old.state,
      });
    for (const workload of workloads)
      info.set(
        {
          repository,
          workload: workload.workload,
          container: workload.container,
          state: workload.state,
        },
        1,
      );
    this.#workloadSeries.set(repository, workloads);
  }
}
