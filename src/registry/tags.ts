/**
 * Tag listing (distribution-spec "Listing Tags"; notes/registries.md §1.2). Asks `n=1000`,
 * follows `Link: <...>; rel="next"` exactly as given (relative or absolute, opaque cursors),
 * never stops because a page is short, never sorts, refuses a `next` on another origin, and
 * retries the first page with a smaller `n` on a 400 (ECR and distribution 3.1 cap `n` at 1000
 * and answer 400 above it). The result is the complete list or a thrown error.
 * A single-page list keeps its ETag / Last-Modified, so an unchanged repository costs one
 * conditional request (304) when the registry supports it.
 * Pages that carry Google's `manifest{}` extension (GCR, Artifact Registry: digest and
 * `timeUploadedMs` per tag) have it kept as per-tag times, cached with the list, so ordering by
 * push time there costs no request beyond the list. Any registry sending the field is read the
 * same way; nothing depends on the host name.
 */
import {
  RegistryProtocolError,
  RegistryRequestError,
  type RegistryErrorContext,
} from './errors.js';
import { nextLink } from './http/link.js';
import type { Endpoint } from './endpoints.js';
import { pullScope, v2Url } from './endpoints.js';
import type { TagListEntry, TagTimes } from './cache/registry-cache.js';
import { googleTagListMetadata } from './providers/gcp-tags.js';
import type { RegistryCaller } from './request.js';
import { TagsListSchema } from './schema.js';

/** Page sizes tried in turn when a registry refuses the larger one. */
export const PAGE_SIZES = [1000, 100, 50] as const;
/** A registry that keeps sending `next` past this is looping. */
export const MAX_PAGES = 10_000;
const MAX_PAGE_BYTES = 32 * 1024 * 1024;

/**
 * True when a 400 is about the page size: distribution 3.1 `PAGINATION_NUMBER_INVALID`, ECR
 * `UNSUPPORTED ... 'maxResults' ... less than or equal to 1000`, or a body without a JSON error
 * (then the size is the likeliest culprit of a 400 on a plain list request).
 */
export function aboutPageSize(message: string): boolean {
  const detail = message.slice(message.indexOf('HTTP 400'));
  return /PAGINATION|UNSUPPORTED|maxResults|page|less than or equal|\bn\b|unexpected status/i.test(
    detail,
  );
}

export interface TagListResult {
  readonly tags: readonly string[];
  /** True when a 304 confirmed the cached list. */
  readonly notModified: boolean;
  /** True when the list is the cached one: a 304, or the same tags as the cached list. */
  readonly unchanged: boolean;
  /** Digest / push time per tag from the pages themselves (GCR-style `manifest{}`), if any. */
  readonly listed: ReadonlyMap<string, TagTimes[string]>;
  /** What to cache (validators only for single-page lists). */
  readonly entry: TagListEntry;
}

export async function fetchTagList(
  requester: RegistryCaller,
  endpoint: Endpoint,
  repository: string,
  context: RegistryErrorContext,
  cached: TagListEntry | undefined,
  now: number,
): Promise<TagListResult> {
  let pageSizeIndex = 0;
  const firstUrl = (): URL => {
    const url = v2Url(endpoint.endpoint, repository, 'tags/list');
    url.searchParams.set('n', String(PAGE_SIZES[pageSizeIndex]));
    return url;
  };
  let url = firstUrl();
  const seen = new Set<string>();
  const tags: string[] = [];
  const unique = new Set<string>();
  // A Map, not an object: `__proto__` is a valid tag name.
  const listed = new Map<string, TagTimes[string]>();
  let validators: { etag?: string; lastModified?: string } = {};
  for (let page = 0; ; page += 1) {
    if (page >= MAX_PAGES || seen.has(url.href))
      throw new RegistryProtocolError(
        context,
        `tag list pagination does not end (page ${page + 1}, repeated or endless "next" links)`,
      );
    seen.add(url.href);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (page === 0 && cached !== undefined) {
      if (cached.etag !== undefined) headers['If-None-Match'] = cached.etag;
      if (cached.lastModified !== undefined) headers['If-Modified-Since'] = cached.lastModified;
    }
    let response;
    try {
      response = await requester.call({
        method: 'GET',
        url,
        headers,
        scope: pullScope(repository),
        target: endpoint,
        context,
        what: 'repository',
        maxBytes: MAX_PAGE_BYTES,
        passStatuses: page === 0 ? [304] : [],
      });
    } catch (error: unknown) {
      // Only our own first-page `n` can be too large; a Link URL is the server's own choice.
      if (
        error instanceof RegistryRequestError &&
        error.status === 400 &&
        aboutPageSize(error.message) &&
        page === 0 &&
        pageSizeIndex < PAGE_SIZES.length - 1
      ) {
        pageSizeIndex += 1;
        url = firstUrl();
        seen.clear();
        page = -1;
        continue;
      }
      throw error;
    }
    if (response.status === 304 && cached !== undefined)
      return {
        tags: cached.tags,
        notModified: true,
        unchanged: true,
        listed: new Map(Object.entries(cached.listed ?? {})),
        entry: { ...cached, fetchedAt: now },
      };
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new RegistryProtocolError(
        { ...context, status: response.status },
        'tag list is not JSON',
      );
    }
    const body = TagsListSchema.safeParse(parsed);
    if (!body.success)
      throw new RegistryProtocolError(
        { ...context, status: response.status },
        'tag list has no "tags" array',
      );
    for (const tag of body.data.tags ?? []) {
      if (unique.has(tag)) continue;
      unique.add(tag);
      tags.push(tag);
    }
    for (const [tag, known] of googleTagListMetadata(parsed)) listed.set(tag, known);
    const next = nextLink(response.header('link'), response.url.href);
    if (page === 0) {
      const etag = response.header('etag');
      const lastModified = response.header('last-modified');
      validators = {
        ...(etag === undefined ? {} : { etag }),
        ...(lastModified === undefined ? {} : { lastModified }),
      };
    }
    if (next === undefined) break;
    if (next.origin !== response.url.origin)
      throw new RegistryProtocolError(
        context,
        `refused a tag-list "next" link to another host (${next.host})`,
      );
    validators = {};
    url = next;
  }
  // Object.fromEntries defines own properties, so a `__proto__` tag stays a plain key.
  const listedEntry: TagTimes = Object.fromEntries(listed);
  return {
    tags,
    notModified: false,
    unchanged: cached !== undefined && sameTags(cached.tags, tags),
    listed,
    entry: {
      tags,
      fetchedAt: now,
      ...validators,
      ...(listed.size > 0 ? { listed: listedEntry } : {}),
    },
  };
}

/** Same tags regardless of order (registries do not promise one). */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return set.size === b.length && b.every((tag) => set.has(tag));
}
