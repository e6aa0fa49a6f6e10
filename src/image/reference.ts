/**
 * Image references: `[registry[:port]/]path[:tag][@digest]`, parsed by the distribution
 * reference grammar (distribution/reference `regexp.go`) with Docker's normalisation
 * (`normalize.go` `splitDockerDomain`). Pure: no I/O, no dependencies.
 *
 * Two spellings are kept: the one the user wrote (for writing back — `nginx:1.25` becomes
 * `nginx:1.27`, never `docker.io/library/nginx:1.27`) and a canonical one for caching and
 * comparison (`docker.io/library/nginx`). See docs/image-references.md.
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

export const DOCKER_HUB = 'docker.io';
/** Every host name that means Docker Hub's registry (Docker folds the first two; we add the API host). */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);
const OFFICIAL_PREFIX = 'library/';

/** distribution/reference: a name is at most 255 characters, domain included. */
const MAX_NAME_LENGTH = 255;
const MAX_TAG_LENGTH = 128;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
// Separators: one `.` or `_`, two `__`, or any run of `-` (distribution 2.8+).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):(.*)$/;
/** Registered algorithms and their hex lengths (OCI image-spec descriptor.md, go-digest). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
/** A bare 64-hex name is refused: Docker reads it as an image id (normalize.go). */
const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Parses a reference; throws ImageRefError naming the problem. */
export function parseImageRef(input: string): ImageRef {
  const fail = (problem: string): never => {
    throw new ImageRefError(input, problem);
  };
  if (input.length === 0) fail('empty reference');
  if (input !== input.trim()) fail('leading or trailing white space');
  if (input.includes('://')) fail('a reference has no URL scheme; remove the "scheme://" prefix');

  const at = input.indexOf('@');
  const nameAndTag = at === -1 ? input : input.slice(0, at);
  const digest = at === -1 ? undefined : validateDigest(input.slice(at + 1), fail);

  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);

  if (name.length === 0)
    fail(
      tag === undefined
        ? 'missing repository name'
        : 'missing repository name before ":" (only a tag)',
    );
  if (tag !== undefined) validateTag(tag, fail);
  if (name.startsWith('/')) fail('leading "/"');
  if (name.endsWith('/')) fail('trailing "/"');
  if (name.includes('//')) fail('empty path component ("//")');
  if (name.length > MAX_NAME_LENGTH)
    fail(`repository name longer than ${MAX_NAME_LENGTH} characters`);

  const { writtenRegistry, writtenPath } = splitDomain(name);
  if (writtenRegistry !== undefined && !HOST.test(writtenRegistry)) {
    fail(`registry ${JSON.stringify(writtenRegistry)} is not a valid host[:port]`);
  }
  for (const component of writtenPath.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase()))
      fail(`repository name ${JSON.stringify(writtenPath)} must be lower-case`);
    fail(
      `path component ${JSON.stringify(component)} must be lower-case letters and digits, separated by ".", "_", "__" or "-"`,
    );
  }
  if (writtenRegistry === undefined && IDENTIFIER.test(writtenPath)) {
    fail('a 64-character hexadecimal name is an image id, not a repository');
  }

  const registry = canonicalRegistry(writtenRegistry);
  const repository =
    registry === DOCKER_HUB && !writtenPath.includes('/')
      ? `${OFFICIAL_PREFIX}${writtenPath}`
      : writtenPath;
  return { original: input, writtenRegistry, writtenPath, registry, repository, tag, digest };
}

/** Like parseImageRef, but returns the error instead of throwing. */
export function tryParseImageRef(
  input: string,
): { ok: true; ref: ImageRef } | { ok: false; error: ImageRefError } {
  try {
    return { ok: true, ref: parseImageRef(input) };
  } catch (error: unknown) {
    if (error instanceof ImageRefError) return { ok: false, error };
    throw error;
  }
}

/**
 * Docker's rule: the first component is a registry when it contains `.` or `:`, is
 * `localhost`, or has an upper-case letter (repository paths never do).
 */
function splitDomain(name: string): { writtenRegistry: string | undefined; writtenPath: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { writtenRegistry: undefined, writtenPath: name };
  const first = name.slice(0, slash);
  const isDomain = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase();
  return isDomain
    ? { writtenRegistry: first, writtenPath: name.slice(slash + 1) }
    : { writtenRegistry: undefined, writtenPath: name };
}

/** `docker.io` for every Docker Hub alias (or none written); host names are case-insensitive. */
export function canonicalRegistry(written: string | undefined): string {
  if (written === undefined) return DOCKER_HUB;
  const lower = written.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

function validateTag(tag: string, fail: (problem: string) => never): void {
  if (tag.length === 0) fail('empty tag after ":"');
  if (tag.length > MAX_TAG_LENGTH)
    fail(`tag longer than ${MAX_TAG_LENGTH} characters (${tag.length})`);
  if (!TAG.test(tag)) {
    fail(
      `tag ${JSON.stringify(tag)} must start with a letter, digit or "_" and contain only letters, digits, "_", "." and "-"`,
    );
  }
}

function validateDigest(digest: string, fail: (problem: string) => never): string {
  const match =
    DIGEST.exec(digest) ??
    fail(`digest ${JSON.stringify(digest)} is not of the form algorithm:hex`);
  const [, algorithm = '', hex = ''] = match;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined)
    fail(
      `unsupported digest algorithm ${JSON.stringify(algorithm)} (expected sha256, sha384 or sha512)`,
    );
  if (!/^[a-f0-9]*$/.test(hex)) fail(`digest hex must be lower-case hexadecimal`);
  if (hex.length !== length)
    fail(`${algorithm} digest must have ${length} hex characters, got ${hex.length}`);
  return digest;
}

/** The repository key used for scanning and caching: `docker.io/library/nginx`. */
export function canonicalName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

function suffix(ref: Pick<ImageRef, 'tag' | 'digest'>): string {
  return `${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** Canonical full form: `docker.io/library/nginx:1.25@sha256:...`. */
export function canonicalRef(ref: ImageRef): string {
  return `${canonicalName(ref)}${suffix(ref)}`;
}

/** Formats with the original spelling of registry and path (never adds docker.io/library). */
export function formatImageRef(ref: ImageRef): string {
  const name =
    ref.writtenRegistry === undefined
      ? ref.writtenPath
      : `${ref.writtenRegistry}/${ref.writtenPath}`;
  return `${name}${suffix(ref)}`;
}

/**
 * The same reference with a new tag and digest, keeping the original spelling of the name.
 * `digest` undefined removes any digest. The new tag and digest are validated.
 */
export function withVersion(ref: ImageRef, tag: string | undefined, digest?: string): ImageRef {
  const next = { ...ref, tag, digest };
  return parseImageRef(formatImageRef(next));
}

/** True when both name the same repository (canonical registry and path). */
export function sameRepository(a: ImageRef, b: ImageRef): boolean {
  return a.registry === b.registry && a.repository === b.repository;
}
