/**
 * Manifests and config blobs (distribution-spec "Pulling manifests", "Pulling blobs").
 * Every manifest request sends the four modern media types: without them distribution 2.8
 * converts to schema 1 and reports another digest, or answers 404 for OCI content
 * (notes/registries.md §1.3). HEAD gives the digest without counting as a Docker Hub pull;
 * a registry that omits `Docker-Content-Digest` gets a GET and the body's sha256.
 * Content fetched by digest is verified against that digest.
 */
import { createHash } from 'node:crypto';
import { RegistryProtocolError, type RegistryErrorContext } from './errors.js';
import type { Endpoint } from './endpoints.js';
import { pullScope, v2Url } from './endpoints.js';
import type { HttpResponse } from './http/types.js';
import type { RegistryCaller } from './request.js';
import { ImageConfigSchema, ImageManifestSchema, IndexSchema, type ImageIndex } from './schema.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export function sha256Digest(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

export interface ManifestTarget {
  readonly requester: RegistryCaller;
  readonly endpoint: Endpoint;
  readonly repository: string;
  readonly context: RegistryErrorContext;
}

async function getManifest(
  target: ManifestTarget,
  reference: string,
  countsAsPull: boolean,
): Promise<HttpResponse> {
  return target.requester.call({
    method: 'GET',
    url: v2Url(
      target.endpoint.endpoint,
      target.repository,
      `manifests/${encodeURIComponent(reference)}`,
    ),
    headers: { Accept: MANIFEST_ACCEPT },
    scope: pullScope(target.repository),
    target: target.endpoint,
    context: target.context,
    what: reference.includes(':') ? `manifest ${reference}` : `tag "${reference}"`,
    maxBytes: MAX_MANIFEST_BYTES,
    countsAsPull,
  });
}

/** The manifest digest of `tag`: HEAD, or GET + sha256 when the header is missing. */
export async function manifestDigest(target: ManifestTarget, tag: string): Promise<string> {
  const head = await target.requester.call({
    method: 'HEAD',
    url: v2Url(target.endpoint.endpoint, target.repository, `manifests/${encodeURIComponent(tag)}`),
    headers: { Accept: MANIFEST_ACCEPT },
    scope: pullScope(target.repository),
    target: target.endpoint,
    context: target.context,
    what: `tag "${tag}"`,
  });
  const header = head.header('docker-content-digest');
  if (header !== undefined && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(header))
    return header;
  const response = await getManifest(target, tag, true);
  return sha256Digest(response.body);
}

export type ManifestContent =
  | { readonly kind: 'index'; readonly index: ImageIndex }
  | { readonly kind: 'image'; readonly configDigest: string };

/** GET a manifest by digest, verified against it, and parse it as an index or an image. */
export async function manifestByDigest(
  target: ManifestTarget,
  digest: string,
): Promise<ManifestContent> {
  const response = await getManifest(target, digest, true);
  verify(target.context, response.body, digest, 'manifest');
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new RegistryProtocolError(target.context, `manifest ${digest} is not JSON`);
  }
  const index = IndexSchema.safeParse(json);
  if (index.success && Array.isArray((json as { manifests?: unknown }).manifests))
    return { kind: 'index', index: index.data };
  const image = ImageManifestSchema.safeParse(json);
  if (image.success) return { kind: 'image', configDigest: image.data.config.digest };
  throw new RegistryProtocolError(
    target.context,
    `manifest ${digest} is neither an image index nor an image manifest`,
  );
}

/** The config blob's `created` (ms) and platform. Blob redirects drop Authorization (transport). */
export async function imageConfig(
  target: ManifestTarget,
  digest: string,
): Promise<{ created: number | undefined; platform: string | undefined }> {
  const response = await target.requester.call({
    method: 'GET',
    url: v2Url(target.endpoint.endpoint, target.repository, `blobs/${encodeURIComponent(digest)}`),
    scope: pullScope(target.repository),
    target: target.endpoint,
    context: target.context,
    what: `config blob ${digest}`,
    maxBytes: MAX_CONFIG_BYTES,
  });
  verify(target.context, response.body, digest, 'config blob');
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new RegistryProtocolError(target.context, `config blob ${digest} is not JSON`);
  }
  const config = ImageConfigSchema.safeParse(json);
  if (!config.success)
    throw new RegistryProtocolError(target.context, `config blob ${digest} is not an image config`);
  const created = config.data.created === undefined ? Number.NaN : Date.parse(config.data.created);
  const platform =
    config.data.os !== undefined && config.data.architecture !== undefined
      ? [config.data.os, config.data.architecture, config.data.variant]
          .filter((part) => part !== undefined && part !== '')
          .join('/')
      : undefined;
  // Reproducible builds set `created` to the epoch: that is "unknown", not 1970.
  return { created: Number.isNaN(created) || created <= 0 ? undefined : created, platform };
}

function verify(context: RegistryErrorContext, body: Buffer, digest: string, what: string): void {
  if (!digest.startsWith('sha256:')) return; // other algorithms: trust the registry (rare)
  const actual = sha256Digest(body);
  if (actual !== digest)
    throw new RegistryProtocolError(
      context,
      `${what} content does not match its digest ${digest} (got ${actual})`,
    );
}
