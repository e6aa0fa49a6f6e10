/**
 * Proxy choice for a URL from `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` values handed in by the
 * caller (nothing here reads process.env). NO_PROXY follows the common curl/Go convention:
 * comma- or space-separated entries; `*` matches all; an entry matches the host itself and its
 * subdomains (`example.com`, `.example.com`); `host:port` entries match that port only. Pure.
 */
export interface ProxySettings {
  readonly httpsProxy?: string | undefined;
  readonly httpProxy?: string | undefined;
  readonly noProxy?: string | undefined;
}

export function proxyFor(url: URL, settings: ProxySettings): string | undefined {
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (proxy === undefined || proxy === '') return undefined;
  return bypassed(url, settings.noProxy ?? '') ? undefined : proxy;
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    // `[::1]:8080` or `host:8080` carry a port; a bare IPv6 address (two or more colons) does not.
    const match = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(entry);
    const entryHost = (match?.[1] ?? entry).replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    const entryPort = match?.[2];
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}
