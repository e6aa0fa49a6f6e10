/**
 * Docker Hub API double for the tags listing, following docker/docs
 * `content/reference/api/hub/latest.yaml`: `GET /v2/namespaces/{namespace}/repositories/{repository}/tags`
 * with `page` (from 1) and `page_size` (default 10, max 100) answering
 * `{count, next, previous, results[{name, digest, tag_last_pushed, last_updated, images[]}]}`
 * where `next` is an absolute URL or null; `POST /v2/auth/token` with `{identifier, secret}`
 * answering `{access_token}`; the API's own limiter answering 429 with `X-Retry-After` (unix
 * time). Private repositories answer 404 to callers without a valid token, as Hub does for
 * repositories it will not disclose.
 */
import {
  json,
  startLoopback,
  type Loopback,
  type RecordedRequest,
  type Reply,
} from './loopback.js';

export interface HubTag {
  readonly name: string;
  readonly digest: string;
  /** ISO date. */
  readonly pushed: string;
}

export interface HubDoubleOptions {
  readonly repositories: Readonly<
    Record<string, { readonly private: boolean; readonly tags: readonly HubTag[] }>
  >;
  readonly users: Readonly<Record<string, string>>;
  /** Answer 429 from this request number on (1-based), counting every request. */
  rateLimitAfter?: number;
  /** Override `next` of the first page (to test a link to another origin). */
  firstNext?: string;
}

export interface HubDouble extends Loopback {
  readonly options: HubDoubleOptions;
  readonly tokens: Set<string>;
}

const PATH = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags$/;

export async function startHubDouble(options: HubDoubleOptions): Promise<HubDouble> {
  const tokens = new Set<string>();
  let base = '';
  let count = 0;
  const handler = (request: RecordedRequest): Reply => {
    count += 1;
    if (options.rateLimitAfter !== undefined && count >= options.rateLimitAfter) {
      return json(
        429,
        { message: 'rate limit exceeded' },
        { 'x-retry-after': '1900000000', 'x-ratelimit-remaining': '0' },
      );
    }
    const url = new URL(request.url, base);
    if (request.method === 'POST' && url.pathname === '/v2/auth/token') {
      const body = JSON.parse(request.body) as { identifier?: string; secret?: string };
      if (body.identifier === undefined || options.users[body.identifier] !== body.secret) {
        return json(401, { errinfo: {}, message: 'Incorrect authentication credentials' });
      }
      const token = `hub-access-token-${tokens.size + 1}`;
      tokens.add(token);
      return json(200, { access_token: token });
    }
    const match = PATH.exec(url.pathname);
    if (request.method !== 'GET' || match === null) return json(404, { message: 'not found' });
    const key = `${match[1] ?? ''}/${match[2] ?? ''}`;
    const repo = options.repositories[key];
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (repo === undefined || (repo.private && (bearer === undefined || !tokens.has(bearer)))) {
      return json(404, { message: 'httperror 404: object not found' });
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Number(url.searchParams.get('page_size') ?? '10');
    if (!Number.isInteger(size) || size < 1 || size > 100)
      return json(400, { message: 'page_size must be 1..100' });
    const start = (page - 1) * size;
    const results = repo.tags.slice(start, start + size).map((tag) => ({
      name: tag.name,
      digest: tag.digest,
      tag_last_pushed: tag.pushed,
      last_updated: tag.pushed,
      tag_status: 'active',
      images: [{ architecture: 'amd64', os: 'linux', digest: `sha256:${'e'.repeat(64)}`, size: 1 }],
    }));
    const nextUrl = new URL(url.pathname, base);
    nextUrl.searchParams.set('page', String(page + 1));
    nextUrl.searchParams.set('page_size', String(size));
    let next: string | null = start + size < repo.tags.length ? nextUrl.toString() : null;
    if (page === 1 && options.firstNext !== undefined) next = options.firstNext;
    return json(200, { count: repo.tags.length, next, previous: null, results });
  };
  const server = await startLoopback(handler);
  base = server.url;
  return { ...server, options, tokens };
}
