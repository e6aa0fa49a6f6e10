/**
 * What the registry client remembers across restarts, on top of DiskCache:
 * - tag lists with their validators (ETag / Last-Modified) for conditional requests;
 * - per-repository tag → digest (with when it was last checked);
 * - per-digest facts (content-addressed, so valid forever): an index's platform entries, or an
 *   image's config digest and `created` time;
 * - per-repository bulk answers (push time / digest by tag) with when they were fetched, so an
 *   unchanged repository need not ask its bulk source again on every scan.
 * Values are validated on read; anything malformed is treated as absent.
 */
import { z } from 'zod';
import type { DiskCache } from './disk-cache.js';

const TagTimesSchema = z.record(
  z.string(),
  z.object({ digest: z.string().optional(), pushed: z.number().optional() }),
);
/** Push time and digest by tag, as a bulk source or the tag list's own extension gives them. */
export type TagTimes = z.infer<typeof TagTimesSchema>;

const TagListEntrySchema = z.object({
  tags: z.array(z.string()),
  /** What the list pages themselves said per tag (GCR / Artifact Registry `manifest{}`). */
  listed: TagTimesSchema.optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  fetchedAt: z.number(),
});
export type TagListEntry = z.infer<typeof TagListEntrySchema>;

const TagDigestsSchema = z.record(
  z.string(),
  z.object({ digest: z.string(), checkedAt: z.number() }),
);
export type TagDigests = z.infer<typeof TagDigestsSchema>;

const DigestFactsSchema = z.union([
  z.object({
    kind: z.literal('index'),
    /** `os/arch[/variant]` → child manifest digest. */
    platforms: z.record(z.string(), z.string()),
  }),
  z.object({
    kind: z.literal('image'),
    created: z.number().optional(),
    platform: z.string().optional(),
  }),
]);
export type DigestFacts = z.infer<typeof DigestFactsSchema>;

const BulkAnswerSchema = z.object({ fetchedAt: z.number(), tags: TagTimesSchema });
export type BulkAnswer = z.infer<typeof BulkAnswerSchema>;

export class RegistryCache {
  /** Per-digest facts are immutable; keep them in memory as well for the life of the client. */
  readonly #digests = new Map<string, DigestFacts>();
  readonly #loading = new Map<string, Promise<DigestFacts>>();

  constructor(private readonly disk: DiskCache | undefined) {}

  async tagList(repoKey: string): Promise<TagListEntry | undefined> {
    const parsed = TagListEntrySchema.safeParse(await this.disk?.get('tags', repoKey));
    return parsed.success ? parsed.data : undefined;
  }

  async setTagList(repoKey: string, entry: TagListEntry): Promise<void> {
    await this.disk?.set('tags', repoKey, entry);
  }

  async tagDigests(repoKey: string): Promise<TagDigests> {
    const parsed = TagDigestsSchema.safeParse(await this.disk?.get('tagdigests', repoKey));
    return parsed.success ? parsed.data : {};
  }

  async setTagDigests(repoKey: string, value: TagDigests): Promise<void> {
    await this.disk?.set('tagdigests', repoKey, value);
  }

  async bulkAnswer(repoKey: string): Promise<BulkAnswer | undefined> {
    const parsed = BulkAnswerSchema.safeParse(await this.disk?.get('bulk', repoKey));
    return parsed.success ? parsed.data : undefined;
  }

  async setBulkAnswer(repoKey: string, value: BulkAnswer): Promise<void> {
    await this.disk?.set('bulk', repoKey, value);
  }

  async digestFacts(digest: string): Promise<DigestFacts | undefined> {
    const known = this.#digests.get(digest);
    if (known !== undefined) return known;
    const parsed = DigestFactsSchema.safeParse(await this.disk?.get('digest', digest));
    if (!parsed.success) return undefined;
    this.#digests.set(digest, parsed.data);
    return parsed.data;
  }

  /** Cached facts, or `load()` once even when several tags share the digest concurrently. */
  async loadDigestFacts(digest: string, load: () => Promise<DigestFacts>): Promise<DigestFacts> {
    const known = await this.digestFacts(digest);
    if (known !== undefined) return known;
    let pending = this.#loading.get(digest);
    if (pending === undefined) {
      pending = load()
        .then(async (facts) => {
          await this.setDigestFacts(digest, facts);
          return facts;
        })
        .finally(() => this.#loading.delete(digest));
      this.#loading.set(digest, pending);
    }
    return pending;
  }

  async setDigestFacts(digest: string, facts: DigestFacts): Promise<void> {
    this.#digests.set(digest, facts);
    await this.disk?.set('digest', digest, facts);
  }
}
