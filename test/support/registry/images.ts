/**
 * Hand-made OCI images (image-spec manifest.md, image-index.md, config.md) pushed with plain
 * HTTP (distribution-spec "Pushing blobs" monolithic POST+PUT, "Pushing Manifests"), so tests
 * need neither Docker nor network. Requests carry the user agent `test-pusher` so access-log
 * counts can tell them apart from the client under test.
 */
import { createHash } from 'node:crypto';

export interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
  readonly mediaType: string;
}

export function blob(content: string | Buffer, mediaType: string): Blob {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, mediaType };
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface Image {
  readonly config: Blob;
  readonly layer: Blob;
  readonly manifest: Blob;
}

/** A tiny image whose config says `created` and the platform. */
export function makeImage(created: string, platform = 'linux/amd64', salt = ''): Image {
  const [os = 'linux', architecture = 'amd64', variant] = platform.split('/');
  const layer = blob(`layer ${salt}`, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = blob(
    JSON.stringify({
      created,
      architecture,
      os,
      ...(variant === undefined ? {} : { variant }),
      config: {},
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.length }],
    }),
    OCI_MANIFEST,
  );
  return { config, layer, manifest };
}

export function makeIndex(entries: readonly { image: Image; platform: string }[]): Blob {
  return blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: entries.map(({ image, platform }) => {
        const [os, architecture, variant] = platform.split('/');
        return {
          mediaType: OCI_MANIFEST,
          digest: image.manifest.digest,
          size: image.manifest.bytes.length,
          platform: { os, architecture, ...(variant === undefined ? {} : { variant }) },
        };
      }),
    }),
    OCI_INDEX,
  );
}

export class Pusher {
  constructor(
    readonly baseUrl: string,
    readonly authorization: (scope: string) => Promise<string | undefined> = () =>
      Promise.resolve(undefined),
  ) {}

  async #fetch(
    path: string,
    init: { method: string; body?: Buffer; headers?: Record<string, string> },
    repo: string,
  ): Promise<Response> {
    const auth = await this.authorization(`repository:${repo}:pull,push`);
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    return fetch(url, {
      method: init.method,
      ...(init.body === undefined ? {} : { body: init.body }),
      headers: {
        'User-Agent': 'test-pusher',
        ...(auth === undefined ? {} : { Authorization: auth }),
        ...init.headers,
      },
    });
  }

  async pushBlob(repo: string, content: Blob): Promise<void> {
    const head = await this.#fetch(`/v2/${repo}/blobs/${content.digest}`, { method: 'HEAD' }, repo);
    if (head.status === 200) return;
    const start = await this.#fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }, repo);
    await start.arrayBuffer();
    if (start.status !== 202) throw new Error(`upload start ${start.status}`);
    const location = new URL(start.headers.get('location') ?? '', this.baseUrl);
    location.searchParams.set('digest', content.digest);
    const put = await this.#fetch(
      location.href,
      {
        method: 'PUT',
        body: content.bytes,
        headers: { 'Content-Type': 'application/octet-stream' },
      },
      repo,
    );
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`blob put ${put.status}`);
  }

  async pushManifest(repo: string, reference: string, manifest: Blob): Promise<void> {
    const put = await this.#fetch(
      `/v2/${repo}/manifests/${reference}`,
      { method: 'PUT', body: manifest.bytes, headers: { 'Content-Type': manifest.mediaType } },
      repo,
    );
    const text = await put.text();
    if (put.status !== 201) throw new Error(`manifest put ${put.status}: ${text}`);
  }

  async pushImage(repo: string, image: Image, tags: readonly string[]): Promise<void> {
    await this.pushBlob(repo, image.layer);
    await this.pushBlob(repo, image.config);
    for (const tag of tags) await this.pushManifest(repo, tag, image.manifest);
  }

  /** Pushes tags with bounded parallelism (manifest PUTs only; blobs must exist). */
  async tagMany(
    repo: string,
    manifest: Blob,
    tags: readonly string[],
    parallel = 8,
  ): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (;;) {
          const tag = tags[next];
          next += 1;
          if (tag === undefined) return;
          await this.pushManifest(repo, tag, manifest);
        }
      }),
    );
  }
}
