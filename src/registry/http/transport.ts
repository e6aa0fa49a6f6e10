/**
 * The bottom of the pipeline: one axios instance, no automatic redirects (see redirect.ts), a
 * timeout and a body-size limit on every request, per-host CA bundles and proxy agents built
 * from settings handed in (never from process.env). Counts every request it sends, by host.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios';
import {
  RegistryProtocolError,
  RegistryRedirectError,
  RegistryUnavailableError,
  type RegistryErrorContext,
} from '../errors.js';
import { bodyBytes, createAgentPool, headerReader } from './axios-parts.js';
import type { ProxySettings } from './no-proxy.js';
import { followRedirect, MAX_REDIRECTS, REDIRECT_STATUSES } from './redirect.js';
import type { HttpRequest, HttpResponse, HttpSend } from './types.js';

export interface TransportOptions {
  /** Whole-request deadline in ms. */
  readonly timeoutMs: number;
  /** Default body limit in bytes. */
  readonly maxBytes: number;
  readonly proxy?: ProxySettings;
  /** Extra CA certificates (PEM) by `host[:port]`. */
  readonly caByHost?: Readonly<Record<string, string>>;
  readonly userAgent?: string;
  /** Called once per request actually sent (redirect hops included). */
  readonly onRequest?: (url: URL, method: string) => void;
}

export const DEFAULT_USER_AGENT = 'tagpilot/0.1 (+https://github.com/tagpilot)';

export interface Transport {
  readonly send: HttpSend;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export function createTransport(options: TransportOptions): Transport {
  const instance: AxiosInstance = axios.create({
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'arraybuffer',
    // axios would read HTTP(S)_PROXY itself; proxies are chosen here from passed-in settings.
    proxy: false,
    decompress: true,
    transitional: { clarifyTimeoutError: true },
  });
  const agents = createAgentPool({ proxy: options.proxy, caByHost: options.caByHost });
  const agentFor = (url: URL) => agents.agentFor(url);

  const once = async (
    request: HttpRequest,
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<HttpResponse> => {
    // A per-request limit can only tighten the configured one.
    const maxBytes = Math.min(request.maxBytes ?? options.maxBytes, options.maxBytes);
    options.onRequest?.(url, method);
    try {
      const response = await instance.request<ArrayBuffer>({
        method,
        url: url.href,
        headers: { 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT, ...headers },
        data: body,
        timeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
        maxContentLength: maxBytes,
        maxBodyLength: maxBytes,
        ...agentFor(url),
      });
      return {
        status: response.status,
        header: headerReader(response.headers),
        body: bodyBytes(response.data),
        url,
      };
    } catch (error: unknown) {
      throw transportError(request.context, url, error, maxBytes);
    }
  };

  const send: HttpSend = async (request) => {
    let url = request.url;
    let method: string = request.method;
    let headers: Record<string, string> = { ...request.headers };
    let body = request.body;
    for (let hop = 0; ; hop += 1) {
      const response = await once(request, url, method, headers, body);
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      if (hop >= MAX_REDIRECTS)
        throw new RegistryRedirectError(
          request.context,
          `more than ${MAX_REDIRECTS} redirects, last to ${url.host}`,
        );
      const next = followRedirect(
        url,
        response.status,
        response.header('location'),
        method as 'GET',
        headers,
        body,
      );
      if (!next.ok) throw new RegistryRedirectError(request.context, next.reason);
      ({ url, method, headers, body } = next);
    }
  };
  return {
    send,
    close: () => {
      agents.close();
    },
  };
}

/** Maps an axios failure (no HTTP status) to a typed error; the URL's query is never printed. */
function transportError(
  context: RegistryErrorContext,
  url: URL,
  error: unknown,
  maxBytes: number,
): Error {
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  if (error instanceof AxiosError) {
    if (error.message.includes('maxContentLength'))
      return new RegistryProtocolError(
        context,
        `response from ${where} is larger than ${maxBytes} bytes`,
      );
    const code = error.code ?? 'ERR_UNKNOWN';
    const reason =
      code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ERR_CANCELED'
        ? 'timed out'
        : code === 'ECONNREFUSED'
          ? 'connection refused'
          : code === 'ECONNRESET'
            ? 'connection reset'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? 'host name not found'
              : `network error ${code}`;
    return new RegistryUnavailableError(context, `${reason} talking to ${where}`);
  }
  return new RegistryUnavailableError(context, `request to ${where} failed`);
}
