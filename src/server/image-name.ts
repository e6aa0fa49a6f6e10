/**
 * Turns the repository a registry webhook names into an image trigger with image/'s canonical
 * name, dropping any tag or digest the payload attached: those are never data (issue 10).
 */
import { tryParseImageRef } from '../image/index.js';
import type { ImageRepositoryTrigger } from './types.js';

/** From a host and a repository path; undefined when they do not form a valid name. */
export function imageRepository(host: string, path: string): ImageRepositoryTrigger | undefined {
  const trimmedHost = host
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  const trimmedPath = path.trim().replace(/^\/+|\/+$/g, '');
  if (trimmedHost === '' || trimmedPath === '') return undefined;
  if (/[:@]/.test(trimmedPath)) return undefined;
  return fromReference(`${trimmedHost}/${trimmedPath}`);
}

/**
 * From a full reference such as `ghcr.io/acme/api:1.2` or `gcr.io/p/app@sha256:...`. The tag and
 * digest are cut off as text before parsing, so a payload's malformed or truncated digest never
 * hides the repository it names. Registries spell names in lower case; GitHub's payloads do not.
 */
export function imageRepositoryOf(reference: string): ImageRepositoryTrigger | undefined {
  const name =
    reference
      .trim()
      .replace(/^[a-z]+:\/\//i, '')
      .split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const withoutTag = colon > slash && slash !== -1 ? name.slice(0, colon) : name;
  return fromReference(withoutTag.toLowerCase());
}

/** The same repository under another registry host (a receiver's `registryHost`). */
export function withRegistryHost(
  image: ImageRepositoryTrigger,
  host: string | undefined,
): ImageRepositoryTrigger | undefined {
  return host === undefined ? image : imageRepository(host, image.repository);
}

function fromReference(text: string): ImageRepositoryTrigger | undefined {
  const parsed = tryParseImageRef(text);
  if (!parsed.ok) return undefined;
  const { registry, repository } = parsed.ref;
  return { kind: 'image', registry, repository, name: `${registry}/${repository}` };
}
