/**
 * Image references: `[registry[:port]/]path[:tag][@digest]`, parsed by the distribution
 * reference grammar with Docker's normalisation. CONTRACT STUB: the signatures and types here are
 * what the rest of tagpilot codes against; the implementation lands with the foundation issue.
 */
import { TagpilotError } from '../errors/index.js';

export interface ImageRef {
  /** The reference exactly as written (for messages and round-trips). */
  readonly original: string;
  /** Registry host[:port] as written, or undefined when omitted (Docker Hub implied). */
  readonly writtenRegistry: string | undefined;
  /** Repository path as written, e.g. `nginx` for `nginx:1.25`. */
  readonly writtenPath: string;
  /** Canonical registry: `docker.io` for every Docker Hub alias, lower-case host otherwise. */
  readonly registry: string;
  /** Canonical repository path: `library/nginx` for Docker Hub one-component names. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `algorithm:hex`, e.g. `sha256:...`. */
  readonly digest: string | undefined;
}

export class ImageRefError extends TagpilotError {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super('IMAGE_REF_INVALID', `invalid image reference ${JSON.stringify(input)}: ${problem}`);
  }
}

/** Parses a reference; throws ImageRefError naming the problem. */
export function parseImageRef(input: string): ImageRef {
  throw new ImageRefError(input, 'not implemented yet');
}

/** The repository key used for scanning and caching: `docker.io/library/nginx`. */
export function canonicalName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Canonical full form: `docker.io/library/nginx:1.25@sha256:...`. */
export function canonicalRef(ref: ImageRef): string {
  return `${canonicalName(ref)}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** Formats with the original spelling of registry and path (never adds docker.io/library). */
export function formatImageRef(ref: ImageRef): string {
  const name =
    ref.writtenRegistry === undefined
      ? ref.writtenPath
      : `${ref.writtenRegistry}/${ref.writtenPath}`;
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/**
 * The same reference with a new tag and digest, keeping the original spelling of the name.
 * `digest` undefined removes any digest.
 */
export function withVersion(ref: ImageRef, tag: string | undefined, digest?: string): ImageRef {
  const next = { ...ref, tag, digest };
  return { ...next, original: formatImageRef(next) };
}
