/**
 * The registry layer's contract with the rest of tagpilot (architecture brief, "Contracts").
 * The planner sees only TagSource; HTTP, auth, limits and caches stay inside registry/.
 */
import type { ImageRef } from '../image/index.js';
import type { Candidate } from '../policy/index.js';

export type { Candidate } from '../policy/index.js';

/** What a scan needs to know about the policy, without registry/ depending on its details. */
export interface MetadataWanted {
  /** Only tags this accepts need metadata (the policy's filter). */
  readonly accepts: (tag: string) => boolean;
  /** Most per-tag metadata requests this call may make (the cycle's budget for the registry). */
  readonly budget: number;
  /** Platforms whose config gives `created` in a multi-arch index, e.g. `linux/amd64`. */
  readonly platforms?: readonly string[];
}

export interface MetadataResult {
  readonly candidates: readonly Candidate[];
  /** Accepted tags whose metadata is still unknown because the budget ran out. */
  readonly pending: number;
}

/** Counts of what a scan cost, for summaries (`tagpilot scan`, the cycle's summary line). */
export interface RequestStats {
  readonly requests: number;
  readonly byHost: Readonly<Record<string, number>>;
  readonly cacheHits: number;
}

export interface TagSource {
  /** The complete tag list of a repository, or a thrown RegistryError; never a partial list. */
  listTags(image: ImageRef): Promise<readonly string[]>;
  /** The manifest digest of `image` (its tag), by HEAD where the registry allows. */
  digest(image: ImageRef): Promise<string>;
  /** Candidates with `digest`, `pushed`, `created` where known, within the request budget. */
  metadata(
    image: ImageRef,
    tags: readonly string[],
    wanted: MetadataWanted,
  ): Promise<MetadataResult>;
  stats(): RequestStats;
}

/** Credentials for one registry host, as found in a Docker config.json or from a provider. */
export type RegistryCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** `identitytoken` in config.json: an OAuth2 refresh token sent to the token realm. */
  | { readonly kind: 'identity-token'; readonly username: string; readonly token: string }
  /** A ready bearer token (rare; some helpers return one). */
  | { readonly kind: 'bearer'; readonly token: string };

/**
 * Finds credentials for a registry host (host[:port], Docker Hub aliases folded to `docker.io`).
 * Implemented by the Docker config reader and by cloud providers (ECR, GCR/AR, ACR); chained.
 */
export interface CredentialProvider {
  credentialsFor(host: string): Promise<RegistryCredentials | undefined>;
}

/**
 * A bulk source of push times and digests for a whole repository in one or a few requests
 * (ECR DescribeImages, Docker Hub's tags API). Preferred over per-tag manifest/config fetches.
 */
export interface BulkMetadataSource {
  /** True when this source can answer for images on `host` (canonical registry host). */
  handles(host: string): boolean;
  /** Known metadata by tag; tags it does not know are simply absent. */
  metadata(
    image: ImageRef,
  ): Promise<ReadonlyMap<string, { readonly digest?: string; readonly pushed?: number }>>;
}
