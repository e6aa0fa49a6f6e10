/**
 * A protocol-faithful OCI distribution double for what Debian's distribution 2.8 cannot show.
 * Each behaviour follows a published source:
 * - tag pagination: OCI distribution-spec v1.1 "Listing Tags" (`n`, `last`, `Link: <..>;
 *   rel="next"`, opencontainers/distribution-spec#470); relative links as distribution's
 *   `_catalog` sends them; opaque cursors as Quay (`next_page=`) and ECR (`last=<token>`) do.
 * - `n` above the cap → 400 `PAGINATION_NUMBER_INVALID` (distribution v3.1, distribution#4844;
 *   ECR answers a 400 `UNSUPPORTED` for maxResults > 1000, go-containerregistry#681).
 * - 429 with `Retry-After` (RFC 9110 §10.2.3) and Docker Hub's plain-text abuse body
 *   "Too Many Requests (HAP429)." (docker/hub-feedback#1907); Docker Hub's
 *   `ratelimit-limit` / `ratelimit-remaining: <n>;w=<s>` on manifest requests, decremented by
 *   GET only (docs.docker.com docker-hub/usage/pulls).
 * - blob GETs redirected (307) to another origin, as ECR/Harbor do to presigned S3 URLs
 *   (open-policy-agent/opa#6580), and manifests answered without `Docker-Content-Digest`
 *   (distribution-spec "Pulling manifests": clients fall back to hashing).
 * - Bearer challenges per distribution spec/auth/token.md with a token realm on the double.
 * - `googleManifest`: GCR / Artifact Registry's extension of `tags/list`, a `manifest` map keyed
 *   by digest with `tag[]`, `timeUploadedMs`, `timeCreatedMs` ("0" as Artifact Registry sends
 *   it), `mediaType` and `imageSizeBytes` as decimal strings, beside `child: []`
 *   (go-containerregistry `pkg/v1/google/list.go` reads the same fields; notes/registries.md).
 * Every request is recorded (method, URL, headers) so tests count server-side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface StoredObject {
  readonly body: Buffer;
  readonly mediaType: string;
}

export interface DoubleRepo {
  /** Tags in the (unsorted) order the registry returns them. */
  tags: string[];
  readonly manifests: Map<string, StoredObject>;
  readonly blobs: Map<string, Buffer>;
  /** Manifest digest → upload time (ms), for the Google `manifest{}` extension. */
  readonly uploaded: Map<string, number>;
}

export interface Failure {
  readonly match: RegExp;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** How many times to fail before answering normally. */
  times: number;
}

export interface DoubleOptions {
  /** Page size when the client sends no `n`. */
  pageSize?: number;
  /** Largest `n` accepted; above it a 400. */
  maxN?: number;
  /** How the `next` link carries its position. */
  cursor?: 'last' | 'opaque';
  linkStyle?: 'relative' | 'absolute';
  /** Origin to put in absolute `next` links (to test foreign-host refusal). */
  linkOrigin?: string;
  etag?: boolean;
  omitDigestHeader?: boolean;
  /** Origin blob GETs are redirected to (another double). */
  blobRedirectTo?: string;
  /** Redirect manifests too (to test https→http refusal etc.). */
  manifestRedirectTo?: string;
  /** Docker Hub pull quota headers. */
  hubQuota?: { limit: number; remaining: number; window: number };
  /** Bearer auth: token realm (on this double when `self`) and accepted Basic credentials. */
  /** `realm`: a URL, or `self` for the double's own `/token`. */
  bearer?: { realm: string; service: string; user?: string; password?: string };
  failures?: Failure[];
  /** Add GCR / Artifact Registry's `manifest{}` (and `child`) to every tag list page. */
  googleManifest?: boolean;
}

export class RegistryDouble {
  readonly repos = new Map<string, DoubleRepo>();
  readonly requests: RecordedRequest[] = [];
  readonly issuedTokens: string[] = [];
  readonly #cursors = new Map<string, number>();
  #server: Server | undefined;
  origin = '';

  constructor(public options: DoubleOptions = {}) {}

  repo(name: string): DoubleRepo {
    let repo = this.repos.get(name);
    if (repo === undefined) {
      repo = { tags: [], manifests: new Map(), blobs: new Map(), uploaded: new Map() };
      this.repos.set(name, repo);
    }
    return repo;
  }

  /** Requests whose URL path starts with `/v2/` (registry API, not token or storage). */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.url.startsWith('/v2/'));
  }

  async start(): Promise<this> {
    this.#server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.#handle(request, response);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    const server = this.#server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.origin);
    this.requests.push({
      method: request.method ?? '',
      url: `${url.pathname}${url.search}`,
      headers: { ...request.headers },
    });
    const send = (
      status: number,
      body: string | Buffer = '',
      headers: Record<string, string> = {},
    ): void => {
      response.writeHead(status, { 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    const failure = this.options.failures?.find(
      (candidate) =>
        candidate.times > 0 &&
        candidate.match.test(`${request.method} ${url.pathname}${url.search}`),
    );
    if (failure !== undefined) {
      failure.times -= 1;
      send(failure.status, failure.body ?? '', failure.headers ?? {});
      return;
    }
    if (url.pathname === '/token') {
      this.#token(request, url, send);
      return;
    }
    if (url.pathname.startsWith('/storage/')) {
      const digest = url.pathname.slice('/storage/'.length);
      for (const repo of this.repos.values()) {
        const blob = repo.blobs.get(digest);
        if (blob !== undefined) {
          send(200, blob, { 'Content-Type': 'application/octet-stream' });
          return;
        }
      }
      send(404, 'NoSuchKey');
      return;
    }
    if (this.options.bearer !== undefined) {
      const auth = request.headers.authorization ?? '';
      if (!this.issuedTokens.some((token) => auth === `Bearer ${token}`)) {
        const realm =
          this.options.bearer.realm === 'self' ? `${this.origin}/token` : this.options.bearer.realm;
        const name = /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(url.pathname)?.[1] ?? '';
        send(
          401,
          JSON.stringify({
            errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
          }),
          {
            'Content-Type': 'application/json',
            'WWW-Authenticate': `Bearer realm="${realm}",service="${this.options.bearer.service}",scope="repository:${name}:pull"`,
          },
        );
        return;
      }
    }
    const route = /^\/v2\/(.+)\/(tags\/list|manifests|blobs)(?:\/(.+))?$/.exec(url.pathname);
    if (route === null) {
      send(404, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN' }] }), {
        'Content-Type': 'application/json',
      });
      return;
    }
    const [, name = '', kind, reference = ''] = route;
    const repo = this.repos.get(name);
    if (repo === undefined) {
      send(
        404,
        JSON.stringify({
          errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
        }),
        { 'Content-Type': 'application/json' },
      );
      return;
    }
    if (kind === 'tags/list') {
      this.#tags(name, repo, url, request, send);
      return;
    }
    if (kind === 'manifests') {
      this.#manifest(repo, decodeURIComponent(reference), request, send);
      return;
    }
    this.#blob(repo, decodeURIComponent(reference), send);
  }

  #token(
    request: IncomingMessage,
    url: URL,
    send: (status: number, body?: string, headers?: Record<string, string>) => void,
  ): void {
    const bearer = this.options.bearer;
    if (bearer?.user !== undefined && request.headers.authorization !== undefined) {
      const expected = `Basic ${Buffer.from(`${bearer.user}:${bearer.password ?? ''}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        send(401, '{}', { 'Content-Type': 'application/json' });
        return;
      }
    }
    const token = `tok-${randomBytes(12).toString('hex')}`;
    this.issuedTokens.push(token);
    // Half the token services answer `access_token` only (token.md allows either).
    send(
      200,
      JSON.stringify({
        access_token: token,
        expires_in: 300,
        scope: url.searchParams.getAll('scope').join(' '),
      }),
      { 'Content-Type': 'application/json' },
    );
  }

  #tags(
    name: string,
    repo: DoubleRepo,
    url: URL,
    request: IncomingMessage,
    send: (status: number, body?: string, headers?: Record<string, string>) => void,
  ): void {
    const nText = url.searchParams.get('n');
    const n = nText === null ? (this.options.pageSize ?? repo.tags.length) : Number(nText);
    if (this.options.maxN !== undefined && n > this.options.maxN) {
      send(
        400,
        JSON.stringify({
          errors: [
            { code: 'PAGINATION_NUMBER_INVALID', message: `n must be <= ${this.options.maxN}` },
          ],
        }),
        { 'Content-Type': 'application/json' },
      );
      return;
    }
    const size = Math.min(n, this.options.pageSize ?? n);
    let start = 0;
    const opaque = url.searchParams.get('next_page');
    const last = url.searchParams.get('last');
    if (opaque !== null) start = this.#cursors.get(opaque) ?? repo.tags.length;
    else if (last !== null) start = repo.tags.indexOf(last) + 1;
    const page = repo.tags.slice(start, start + size);
    const body = JSON.stringify(
      this.options.googleManifest === true
        ? { child: [], manifest: googleManifest(repo, page), name, tags: page }
        : { name, tags: page },
    );
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (start + size < repo.tags.length) {
      let query: string;
      if (this.options.cursor === 'opaque') {
        const cursor = randomBytes(16).toString('base64url');
        this.#cursors.set(cursor, start + size);
        query = `n=${size}&next_page=${cursor}`;
      } else query = `n=${size}&last=${encodeURIComponent(page.at(-1) ?? '')}`;
      const path = `/v2/${name}/tags/list?${query}`;
      const target =
        this.options.linkStyle === 'absolute'
          ? `${this.options.linkOrigin ?? this.origin}${path}`
          : path;
      headers.Link = `<${target}>; rel="next"`;
    }
    if (this.options.etag === true) {
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      headers.ETag = etag;
      if (request.headers['if-none-match'] === etag) {
        send(304, '', { ETag: etag });
        return;
      }
    }
    send(200, body, headers);
  }

  #manifest(
    repo: DoubleRepo,
    reference: string,
    request: IncomingMessage,
    send: (status: number, body?: string | Buffer, headers?: Record<string, string>) => void,
  ): void {
    if (this.options.manifestRedirectTo !== undefined) {
      send(307, '', { Location: `${this.options.manifestRedirectTo}${request.url ?? ''}` });
      return;
    }
    const stored = repo.manifests.get(reference);
    if (stored === undefined) {
      send(404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN' }] }), {
        'Content-Type': 'application/json',
      });
      return;
    }
    const accept = request.headers.accept ?? '';
    if (!accept.includes(stored.mediaType)) {
      send(
        404,
        JSON.stringify({
          errors: [
            { code: 'MANIFEST_UNKNOWN', message: 'accept header does not support this media type' },
          ],
        }),
        { 'Content-Type': 'application/json' },
      );
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': stored.mediaType,
      'Content-Length': String(stored.body.length),
    };
    if (this.options.omitDigestHeader !== true)
      headers['Docker-Content-Digest'] =
        `sha256:${createHash('sha256').update(stored.body).digest('hex')}`;
    const quota = this.options.hubQuota;
    if (quota !== undefined) {
      if (request.method === 'GET') quota.remaining = Math.max(0, quota.remaining - 1);
      headers['ratelimit-limit'] = `${quota.limit};w=${quota.window}`;
      headers['ratelimit-remaining'] = `${quota.remaining};w=${quota.window}`;
    }
    send(200, stored.body, headers);
  }

  #blob(
    repo: DoubleRepo,
    digest: string,
    send: (status: number, body?: string | Buffer, headers?: Record<string, string>) => void,
  ): void {
    const blob = repo.blobs.get(digest);
    if (blob === undefined) {
      send(404, JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN' }] }), {
        'Content-Type': 'application/json',
      });
      return;
    }
    if (this.options.blobRedirectTo !== undefined) {
      send(307, '', {
        Location: `${this.options.blobRedirectTo}/storage/${digest}?X-Amz-Signature=abc`,
      });
      return;
    }
    send(200, blob, { 'Content-Type': 'application/octet-stream' });
  }
}

/** GCR's `manifest{}` for the tags of one page: digest → its tags on the page and times. */
function googleManifest(repo: DoubleRepo, page: readonly string[]): Record<string, unknown> {
  const out: Record<string, { tag: string[]; [field: string]: unknown }> = {};
  for (const tag of page) {
    const stored = repo.manifests.get(tag);
    if (stored === undefined) continue;
    const digest = `sha256:${createHash('sha256').update(stored.body).digest('hex')}`;
    const entry = (out[digest] ??= {
      imageSizeBytes: '0',
      mediaType: stored.mediaType,
      tag: [],
      timeCreatedMs: '0',
      timeUploadedMs: String(repo.uploaded.get(digest) ?? 0),
    });
    entry.tag.push(tag);
  }
  return out;
}

/** Stores an image (from images.ts) under tags in a double's repository. */
export function storeImage(
  repo: DoubleRepo,
  image: {
    config: { digest: string; bytes: Buffer };
    layer: { digest: string; bytes: Buffer };
    manifest: { digest: string; bytes: Buffer; mediaType: string };
  },
  tags: readonly string[],
  uploadedMs = Date.now(),
): void {
  repo.uploaded.set(image.manifest.digest, uploadedMs);
  repo.blobs.set(image.config.digest, image.config.bytes);
  repo.blobs.set(image.layer.digest, image.layer.bytes);
  const stored = { body: image.manifest.bytes, mediaType: image.manifest.mediaType };
  repo.manifests.set(image.manifest.digest, stored);
  for (const tag of tags) {
    repo.manifests.set(tag, stored);
    if (!repo.tags.includes(tag)) repo.tags.push(tag);
  }
}
