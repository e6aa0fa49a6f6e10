/**
 * Build-time metadata without per-tag abuse (issue 4 §6; Flux v1 fetched two objects per tag on
 * every scan). Only tags that pass the policy's filter are looked at; a tag whose digest was
 * checked recently and whose digest facts are cached costs nothing; bulk sources answer first;
 * everything else is fetched within the cycle's request budget, and what is left is reported as
 * `pending` for the next cycle. Per-digest facts are cached forever (content-addressed).
 *
 * Cost of a never-seen tag: HEAD (digest, not a Docker Hub pull), then only for an unknown
 * digest: manifest GET, (index: child manifest GET), config blob GET.
 */
import type { Candidate } from '../policy/index.js';
import type { DigestFacts, RegistryCache, TagDigests } from './cache/registry-cache.js';
import { RegistryError } from './errors.js';
import { imageConfig, manifestByDigest, manifestDigest, type ManifestTarget } from './manifests.js';
import { chooseEntry, platformString } from './platform.js';

/** Worst-case requests for one tag (HEAD, index, child manifest, config). */
export const MAX_REQUESTS_PER_TAG = 4;
const CONCURRENCY = 4;

export interface TagMetadataOptions {
  readonly target: ManifestTarget;
  readonly cache: RegistryCache;
  readonly repoKey: string;
  readonly platforms: readonly string[];
  readonly budget: number;
  readonly now: number;
  /** Known tag → digest entries younger than this are trusted without a HEAD. */
  readonly recheckMs: number;
  readonly onCacheHit: () => void;
  /** Counts requests made for metadata, to keep within the budget. */
  readonly requestsMade: () => number;
  readonly onError: (tag: string, error: RegistryError) => void;
}

export interface TagMetadata {
  readonly digest: string;
  readonly created?: number | undefined;
  /** False when the tag is an index without every wanted platform. */
  readonly platformOk: boolean;
}

interface Resolved {
  readonly created: number | undefined;
  readonly platformOk: boolean;
  readonly complete: boolean;
}

/** Resolves what the cache alone knows about `digest` for the wanted platforms. */
async function fromCache(
  cache: RegistryCache,
  digest: string,
  platforms: readonly string[],
): Promise<Resolved | undefined> {
  const facts = await cache.digestFacts(digest);
  if (facts === undefined) return undefined;
  if (facts.kind === 'image') return { created: facts.created, platformOk: true, complete: true };
  const chosen = platforms.map((platform) => chooseEntry(facts.platforms, platform));
  if (chosen.some((digest) => digest === undefined))
    return { created: undefined, platformOk: false, complete: true };
  const first = chosen[0];
  if (first === undefined) return { created: undefined, platformOk: true, complete: true };
  const child = await cache.digestFacts(first);
  if (child?.kind !== 'image') return undefined;
  return { created: child.created, platformOk: true, complete: true };
}

async function fetchFacts(options: TagMetadataOptions, digest: string): Promise<Resolved> {
  const { target, cache, platforms } = options;
  const cached = await fromCache(cache, digest, platforms);
  if (cached !== undefined) return cached;
  const facts = await cache.loadDigestFacts(digest, async (): Promise<DigestFacts> => {
    const content = await manifestByDigest(target, digest);
    if (content.kind === 'image') {
      const config = await imageConfig(target, content.configDigest);
      return {
        kind: 'image',
        created: config.created,
        ...(config.platform === undefined ? {} : { platform: config.platform }),
      };
    }
    const entries: Record<string, string> = {};
    for (const entry of content.index.manifests) {
      // Attestation manifests (`unknown/unknown`, buildx) are not runnable platforms.
      if (entry.platform === undefined || entry.platform.os === 'unknown') continue;
      entries[platformString(entry.platform)] ??= entry.digest;
    }
    return { kind: 'index', platforms: entries };
  });
  if (facts.kind === 'image') return { created: facts.created, platformOk: true, complete: true };
  const childDigest =
    platforms.length === 0 ? undefined : chooseEntry(facts.platforms, platforms[0] ?? '');
  if (platforms.some((platform) => chooseEntry(facts.platforms, platform) === undefined))
    return { created: undefined, platformOk: false, complete: true };
  if (childDigest === undefined) return { created: undefined, platformOk: true, complete: true };
  const child = await fetchFacts({ ...options, platforms: [] }, childDigest);
  return { created: child.created, platformOk: true, complete: true };
}

/** What the caches answer without a request: a tag checked recently whose digest facts are known. */
export async function knownFromCache(
  options: Pick<TagMetadataOptions, 'cache' | 'platforms' | 'now' | 'recheckMs'>,
  digests: TagDigests,
  tags: readonly string[],
): Promise<{ known: Map<string, TagMetadata>; rest: string[] }> {
  const known = new Map<string, TagMetadata>();
  const rest: string[] = [];
  for (const tag of tags) {
    const entry = digests[tag];
    if (entry !== undefined && options.now - entry.checkedAt < options.recheckMs) {
      const resolved = await fromCache(options.cache, entry.digest, options.platforms);
      if (resolved !== undefined) {
        known.set(tag, {
          digest: entry.digest,
          created: resolved.created,
          platformOk: resolved.platformOk,
        });
        continue;
      }
    }
    rest.push(tag);
  }
  return { known, rest };
}

export interface MetadataOutcome {
  readonly known: Map<string, TagMetadata>;
  readonly pending: number;
}

/** Metadata for `tags` (already filtered by the policy), within the budget. */
export async function tagMetadata(
  options: TagMetadataOptions,
  tags: readonly string[],
): Promise<MetadataOutcome> {
  const digests: TagDigests = { ...(await options.cache.tagDigests(options.repoKey)) };
  const { known, rest: toFetch } = await knownFromCache(options, digests, tags);
  for (let hit = 0; hit < known.size; hit += 1) options.onCacheHit();
  const start = options.requestsMade();
  let pending = 0;
  let next = 0;
  const state = { changed: false };
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const tag = toFetch[index];
      if (tag === undefined) return;
      // Reserve the worst case up front so in-flight work can never exceed the budget.
      const spent = options.requestsMade() - start;
      if (spent + MAX_REQUESTS_PER_TAG * (inFlight + 1) > options.budget) {
        pending += 1;
        continue;
      }
      inFlight += 1;
      try {
        const previous = digests[tag];
        const digest = await manifestDigest(options.target, tag);
        digests[tag] = { digest, checkedAt: options.now };
        state.changed = true;
        if (previous?.digest === digest) options.onCacheHit();
        const resolved = await fetchFacts(options, digest);
        known.set(tag, { digest, created: resolved.created, platformOk: resolved.platformOk });
      } catch (error: unknown) {
        if (!(error instanceof RegistryError)) throw error;
        options.onError(tag, error);
        if (error.transient) pending += 1;
      } finally {
        inFlight -= 1;
      }
    }
  };
  let inFlight = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (state.changed) await options.cache.setTagDigests(options.repoKey, digests);
  return { known, pending };
}

export type TimesByTag = ReadonlyMap<
  string,
  { readonly digest?: string | undefined; readonly pushed?: number | undefined }
>;

/** `first` wins field by field; `second` fills what `first` lacks (tag list over bulk source). */
export function mergeTimes(first: TimesByTag, second: TimesByTag): TimesByTag {
  const out = new Map<string, { digest?: string; pushed?: number }>();
  for (const [tag, value] of second) out.set(tag, { ...value });
  for (const [tag, value] of first) {
    const other = out.get(tag);
    const digest = value.digest ?? other?.digest;
    const pushed = value.pushed ?? other?.pushed;
    out.set(tag, {
      ...(digest === undefined ? {} : { digest }),
      ...(pushed === undefined ? {} : { pushed }),
    });
  }
  return out;
}

/** Merges bulk answers and per-tag metadata into candidates; platform misses are dropped. */
export function toCandidates(
  tags: readonly string[],
  bulk: TimesByTag,
  known: ReadonlyMap<string, TagMetadata>,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const tag of tags) {
    const meta = known.get(tag);
    if (meta !== undefined && !meta.platformOk) continue;
    const fromBulk = bulk.get(tag);
    candidates.push({
      tag,
      ...((meta?.digest ?? fromBulk?.digest) ? { digest: meta?.digest ?? fromBulk?.digest } : {}),
      ...(fromBulk?.pushed === undefined ? {} : { pushed: fromBulk.pushed }),
      ...(meta?.created === undefined ? {} : { created: meta.created }),
    });
  }
  return candidates;
}

export type { DigestFacts };
