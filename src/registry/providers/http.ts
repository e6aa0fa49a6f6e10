/**
 * The small HTTP surface the providers need (ACR token exchange, Docker Hub's API). Injected so
 * tests can count requests; the default (`axiosHttp`) uses axios with the proxy settings of
 * `registries.proxy`, like the core's transport. Redirects are never followed: a provider call
 * that redirects is an error, so a credential (in a header or, for the ACR exchange, in a POST
 * body) can never ride a redirect to another host (team rules, "Security").
 */
import axios, { type AxiosInstance } from 'axios';
import { bodyBytes, createAgentPool, headerReader } from '../http/axios-parts.js';
import type { ProxySettings } from '../http/no-proxy.js';

export interface ProviderRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface ProviderResponse {
  readonly status: number;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  readonly text: string;
}

export type ProviderHttp = (request: ProviderRequest) => Promise<ProviderResponse>;

/** Provider answers are small JSON documents; a larger body is refused, not buffered. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The default: axios, no redirects, size-limited, through the configured proxy. */
export function axiosHttp(options: { proxy?: ProxySettings | undefined } = {}): ProviderHttp {
  const instance: AxiosInstance = axios.create({
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'arraybuffer',
    // axios would read HTTP(S)_PROXY itself; the proxy comes from settings handed in instead.
    proxy: false,
  });
  const agents = createAgentPool({ proxy: options.proxy });
  return async (request) => {
    const url = new URL(request.url);
    const response = await instance.request<ArrayBuffer>({
      method: request.method,
      url: url.href,
      headers: { ...request.headers },
      data: request.body,
      timeout: request.timeoutMs,
      signal: AbortSignal.timeout(request.timeoutMs),
      maxContentLength: MAX_RESPONSE_BYTES,
      ...agents.agentFor(url),
    });
    return {
      status: response.status,
      header: headerReader(response.headers),
      text: bodyBytes(response.data).toString('utf8'),
    };
  };
}
