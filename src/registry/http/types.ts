/** The HTTP surface the registry pipeline is built on; one request in, one response out. */
import type { RegistryErrorContext } from '../errors.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Largest body accepted; default: the transport's limit. */
  readonly maxBytes?: number;
  /** Who to name in errors. */
  readonly context: RegistryErrorContext;
}

export interface HttpResponse {
  readonly status: number;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: URL;
}

export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;
