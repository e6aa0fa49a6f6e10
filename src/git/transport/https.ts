/**
 * HTTPS transport: isomorphic-git's own Node client (which scopes credentials to an origin when
 * following redirects, like curl), with an Authorization header added only to requests for the
 * configured origin, up front, so no 401 round trip is spent per request.
 */
import isoHttp from 'isomorphic-git/http/node';
import type { GitHttpClient, GitHttpRequest, GitHttpResponse } from '../types.js';

export interface HttpsClientOptions {
  /** The remote's URL; credentials go to its origin (scheme, host, port) and nowhere else. */
  readonly url: string;
  readonly authorization?: string | undefined;
}

export function createHttpsClient(options: HttpsClientOptions): GitHttpClient {
  const origin = new URL(options.url).origin;
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      if (options.authorization !== undefined && new URL(request.url).origin === origin) {
        headers.Authorization = options.authorization;
      }
      const response = await isoHttp.request({
        ...request,
        headers,
      } as Parameters<typeof isoHttp.request>[0]);
      // Its d.ts marks headers and body optional; the Node client always sets both.
      return { ...response, headers: response.headers ?? {}, body: response.body ?? [] };
    },
  };
}
