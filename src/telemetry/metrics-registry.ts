/** Registry metrics: requests, throttling, Docker Hub's pull quota and the tag-list cache. */
import { Counter, Gauge, type Registry } from 'prom-client';
import { statusLabel, type RegistryOperation, type TagCacheResult } from './metrics-labels.js';

export interface RegistryRequest {
  /** Canonical registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  readonly operation: RegistryOperation;
  /** HTTP status, or undefined when no response came (reset, timeout, DNS). */
  readonly status: number | undefined;
}

export class RegistryMetrics {
  readonly #requests: Counter<'registry' | 'operation' | 'status'>;
  readonly #throttled: Counter<'registry'>;
  readonly #quota: Gauge<'registry'>;
  readonly #tagCache: Counter<'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#requests = new Counter({
      name: 'tagpilot_registry_requests_total',
      help: 'Registry HTTP requests by registry host, operation and response status.',
      labelNames: ['registry', 'operation', 'status'],
      registers,
    });
    this.#throttled = new Counter({
      name: 'tagpilot_registry_throttled_total',
      help: 'Times a registry throttled tagpilot (429, or a wait imposed by Retry-After or a quota).',
      labelNames: ['registry'],
      registers,
    });
    this.#quota = new Gauge({
      name: 'tagpilot_registry_pull_quota_remaining',
      help: "Pulls left in the registry's quota window as it last reported (Docker Hub's ratelimit-remaining).",
      labelNames: ['registry'],
      registers,
    });
    this.#tagCache = new Counter({
      name: 'tagpilot_tag_cache_requests_total',
      help: 'Tag-list lookups by how the cache answered: hit, revalidated (304) or miss.',
      labelNames: ['result'],
      registers,
    });
  }

  request(request: RegistryRequest): void {
    this.#requests.inc({
      registry: request.registry,
      operation: request.operation,
      status: statusLabel(request.status),
    });
  }

  throttled(registry: string): void {
    this.#throttled.inc({ registry });
  }

  quotaRemaining(registry: string, remaining: number): void {
    this.#quota.set({ registry }, remaining);
  }

  tagCache(result: TagCacheResult): void {
    this.#tagCache.inc({ result });
  }
}
