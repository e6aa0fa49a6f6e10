/**
 * Redirect policy, applied by hand (the transport never lets the HTTP library follow): credentials
 * ride only to the origin they were attached for. Any change of scheme, host or port drops
 * `Authorization` (ECR and Harbor redirect blobs to presigned S3 URLs that reject a second auth
 * mechanism: open-policy-agent/opa#6580; undici does the same on cross-origin hops, whatwg/fetch
 * #1544); https→http is refused outright. Pure.
 */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 5;

/** Headers that are bound to the origin that was asked, never forwarded elsewhere. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

export type RedirectDecision =
  | {
      readonly ok: true;
      readonly url: URL;
      readonly method: 'GET' | 'HEAD' | 'POST';
      readonly headers: Record<string, string>;
      readonly body: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;
}

export function followRedirect(
  from: URL,
  status: number,
  location: string | undefined,
  method: 'GET' | 'HEAD' | 'POST',
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
): RedirectDecision {
  if (location === undefined || location === '')
    return { ok: false, reason: `redirect (HTTP ${status}) without a Location header` };
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return { ok: false, reason: `redirect to an invalid URL` };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return { ok: false, reason: `redirect to unsupported scheme ${target.protocol}` };
  if (from.protocol === 'https:' && target.protocol === 'http:')
    return { ok: false, reason: `refused a redirect from https to plain http (${target.host})` };
  const next: Record<string, string> = {};
  const keepCredentials = sameOrigin(from, target);
  for (const [name, value] of Object.entries(headers)) {
    if (!keepCredentials && ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())) continue;
    next[name] = value;
  }
  // RFC 9110 §15.4.4: 303 turns into GET; 301/302 historically do for POST.
  const rewrite = status === 303 || ((status === 301 || status === 302) && method === 'POST');
  // A body that would be re-sent (307/308) may hold a secret (an OAuth2 refresh token or a
  // password in a token request): it goes to the origin it was written for, never to another.
  if (body !== undefined && !rewrite && !keepCredentials)
    return {
      ok: false,
      reason: `refused to re-send a request body to another host (${target.host}) on HTTP ${status}`,
    };
  return {
    ok: true,
    url: target,
    method: rewrite ? (method === 'HEAD' ? 'HEAD' : 'GET') : method,
    headers: next,
    body: rewrite ? undefined : body,
  };
}
