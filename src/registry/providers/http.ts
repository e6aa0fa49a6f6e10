/**
 * The small HTTP surface the providers need (ACR token exchange, Docker Hub's API). Injected so
 * the core can hand in its proxy-aware client and tests can count requests; the default uses
 * Node's fetch. Redirects are never followed: a provider call that redirects is an error, so a
 * credential can never ride a redirect to another host (team rules, "Security").
 */
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

export class ResponseTooLargeError extends Error {
  constructor(readonly url: string) {
    super(`response from ${new URL(url).host} is larger than ${MAX_RESPONSE_BYTES} bytes`);
  }
}

export function fetchHttp(fetchImpl: typeof fetch = fetch): ProviderHttp {
  return async (request) => {
    const init: RequestInit = {
      method: request.method,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    };
    if (request.headers !== undefined) init.headers = { ...request.headers };
    if (request.body !== undefined) init.body = request.body;
    const response = await fetchImpl(request.url, init);
    const text = await readLimited(response, request.url);
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text,
    };
  };
}

async function readLimited(response: Response, url: string): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream, so an oversized body is not read to the end.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError(url);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
