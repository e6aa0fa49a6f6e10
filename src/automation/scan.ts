/**
 * Scans the image repositories a cycle needs: only those some automated, unlocked slot with a
 * valid policy uses, each once however many workloads share it. Failures are per repository
 * (reported on its slots), never for the whole cycle. Metadata (push/build times) is asked only
 * when a policy orders by build time or a minimum tag age is set, within the per-repository budget.
 */
import { canonicalName, type ImageRef } from '../image/index.js';
import { describeError, TagpilotError } from '../errors/index.js';
import type { ImageSlot } from '../manifests/types.js';
import { accepts, type ContainerPolicy } from '../policy/index.js';
import type { TagSource } from '../registry/types.js';
import { isScanned } from './plan.js';
import type { ScanResult } from './types.js';

export interface ScanSettings {
  /** Per-repository budget of per-tag metadata requests for this cycle. */
  readonly metadataBudget: number;
  readonly needPushTimes: boolean;
  readonly concurrency: number;
  /** Called after each repository, for progress output. */
  readonly onProgress?: ((done: number, total: number, name: string) => void) | undefined;
}

interface Wanted {
  readonly image: ImageRef;
  readonly policies: ContainerPolicy[];
}

/** The repositories to scan, keyed by canonical name, in first-seen order. */
export function repositoriesToScan(slots: readonly ImageSlot[]): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const slot of slots) {
    if (!isScanned(slot)) continue;
    const key = canonicalName(slot.current);
    const entry = wanted.get(key) ?? { image: slot.current, policies: [] };
    entry.policies.push(slot.policy);
    wanted.set(key, entry);
  }
  return wanted;
}

/**
 * Scans every repository in `wanted` not already in `done` (results survive push-race retries
 * within one cycle, so a re-plan does not re-scan) and returns the merged map.
 */
export async function scanRepositories(
  registry: TagSource,
  wanted: ReadonlyMap<string, Wanted>,
  done: Map<string, ScanResult>,
  settings: ScanSettings,
): Promise<Map<string, ScanResult>> {
  const queue = [...wanted].filter(([key]) => !done.has(key));
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const item = queue[next++];
      if (item === undefined) continue;
      const [key, entry] = item;
      done.set(key, await scanOne(registry, entry, settings));
      finished += 1;
      settings.onProgress?.(finished, queue.length, key);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker));
  return done;
}

async function scanOne(
  registry: TagSource,
  { image, policies }: Wanted,
  settings: ScanSettings,
): Promise<ScanResult> {
  try {
    const tags = await registry.listTags(image);
    const needsTimes =
      settings.needPushTimes || policies.some((p) => p.policy.order.by === 'build-time');
    if (!needsTimes || tags.length === 0)
      return { ok: true, candidates: tags.map((tag) => ({ tag })) };
    // `registries.metadataBudget` is per repository and cycle (the registry layer counts the
    // requests it really makes; cached metadata costs nothing).
    const result = await registry.metadata(image, tags, {
      accepts: (tag) => policies.some((p) => accepts(p.policy, tag)),
      budget: settings.metadataBudget,
    });
    // Tags the metadata call did not return are still candidates, without times.
    const known = new Map(result.candidates.map((c) => [c.tag, c]));
    return {
      ok: true,
      candidates: tags.map((tag) => known.get(tag) ?? { tag }),
      pending: result.pending,
    };
  } catch (error: unknown) {
    const text = describeError(error);
    const name = canonicalName(image);
    return {
      ok: false,
      code: error instanceof TagpilotError ? error.code : 'REGISTRY_FAILED',
      message: text.includes(name) ? text : `${name}: ${text}`,
    };
  }
}
