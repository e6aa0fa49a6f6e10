/**
 * tagpilot's Prometheus metrics (docs/metrics.md): one object created at start-up and passed to
 * whoever records (the controller's event subscriber, the HTTP server), never a module-level
 * singleton, so tests and several controllers in one process never share counters. Each concern
 * has its own small class with typed methods; the names all start with `tagpilot_`, and every
 * label is bounded (metrics-labels.ts). Node's default process metrics keep their conventional
 * unprefixed names (`process_*`, `nodejs_*`) so stock dashboards work.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { CycleMetrics } from './metrics-cycle.js';
import { GitMetrics } from './metrics-git.js';
import { RegistryMetrics } from './metrics-registry.js';
import { WebhookMetrics } from './metrics-webhooks.js';

export interface MetricsOptions {
  /** tagpilot's version (package.json). */
  readonly version: string;
  /** The Git commit the build came from, when known. */
  readonly revision?: string | undefined;
  /** Per-workload series (`tagpilot_workload_info`); off by default for cardinality. */
  readonly perWorkload?: boolean;
  /** Node's default process metrics; on by default. */
  readonly processMetrics?: boolean;
}

export interface Metrics {
  readonly cycles: CycleMetrics;
  readonly webhooks: WebhookMetrics;
  readonly registry: RegistryMetrics;
  readonly git: GitMetrics;
  /** The Prometheus registry holding every series (for extra collectors, e.g. cluster's). */
  readonly prometheus: Registry;
  /** The exposition in Prometheus text format 0.0.4. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const buildInfo = new Gauge({
    name: 'tagpilot_build_info',
    help: 'Always 1; the labels say which tagpilot and Node.js are running.',
    labelNames: ['version', 'revision', 'node_version'],
    registers: [registry],
  });
  buildInfo.set(
    {
      version: options.version,
      revision: options.revision ?? 'unknown',
      node_version: process.versions.node,
    },
    1,
  );
  return {
    cycles: new CycleMetrics(registry, options.perWorkload ?? false),
    webhooks: new WebhookMetrics(registry),
    registry: new RegistryMetrics(registry),
    git: new GitMetrics(registry),
    prometheus: registry,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

export * from './metrics-labels.js';
export type { CycleFinished, WorkloadFact } from './metrics-cycle.js';
export type { WebhookDelivery } from './metrics-webhooks.js';
export type { RegistryRequest } from './metrics-registry.js';
export type { CycleMetrics } from './metrics-cycle.js';
export type { WebhookMetrics } from './metrics-webhooks.js';
export type { RegistryMetrics } from './metrics-registry.js';
export type { GitMetrics } from './metrics-git.js';
