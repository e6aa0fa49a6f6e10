/**
 * The pieces every axios caller in registry/ shares: keep-alive agents chosen per URL from the
 * proxy settings and CA bundles handed in (never from process.env), and reading an axios
 * response's headers and body into plain values.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor, type ProxySettings } from './no-proxy.js';

export interface AgentPool {
  /** The agent option for axios: `httpsAgent` for https URLs, `httpAgent` otherwise. */
  agentFor(url: URL): { httpAgent?: http.Agent; httpsAgent?: http.Agent };
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export function createAgentPool(
  options: {
    readonly proxy?: ProxySettings | undefined;
    /** Extra CA certificates (PEM) by `host[:port]`. */
    readonly caByHost?: Readonly<Record<string, string>> | undefined;
  } = {},
): AgentPool {
  const agents = new Map<string, http.Agent>();
  return {
    agentFor(url) {
      const proxy = proxyFor(url, options.proxy ?? {});
      const ca = options.caByHost?.[url.host];
      const key = `${url.protocol}|${ca === undefined ? '' : url.host}|${proxy ?? ''}`;
      let agent = agents.get(key);
      if (agent === undefined) {
        // Setting `ca` replaces Node's trust store, so the bundle is added to the public roots.
        const tls = ca === undefined ? {} : { ca: [...rootCertificates, ca] };
        if (proxy !== undefined) agent = new HttpsProxyAgent(proxy, { keepAlive: true, ...tls });
        else if (url.protocol === 'https:') agent = new https.Agent({ keepAlive: true, ...tls });
        else agent = new http.Agent({ keepAlive: true });
        agents.set(key, agent);
      }
      return url.protocol === 'https:' ? { httpsAgent: agent } : { httpAgent: agent };
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

/** Case-insensitive header lookup over axios' header object (repeated headers joined). */
export function headerReader(
  headers: Readonly<Record<string, unknown>>,
): (name: string) => string | undefined {
  return (name) => {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    return Array.isArray(value) ? value.map(String).join(', ') : undefined;
  };
}

/** An `arraybuffer` response body as a Buffer (empty when there is none). */
export function bodyBytes(raw: ArrayBuffer | Buffer | undefined): Buffer {
  if (raw === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
}
