/**
 * Where requests for a canonical registry host go: Docker Hub's API host for `docker.io`, plain
 * HTTP only when the host is configured `insecure`, and configured mirrors (e.g. a pull-through
 * cache for Docker Hub) tried first. Pure.
 */
import type { AuthTarget } from './auth/authenticator.js';

export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export interface EndpointSettings {
  readonly hosts?: Readonly<Record<string, { readonly insecure?: boolean }>>;
  /** Canonical registry host → mirror base URLs, tried in order before the registry itself. */
  readonly mirrors?: Readonly<Record<string, readonly string[]>>;
}

export interface Endpoint extends AuthTarget {
  /** True for a mirror standing in for another registry. */
  readonly mirror: boolean;
}

export function endpointsFor(registry: string, settings: EndpointSettings): Endpoint[] {
  const mirrors = (settings.mirrors?.[registry] ?? []).map((base): Endpoint => {
    const url = new URL(base);
    return { endpoint: new URL(url.origin), credentialHost: url.host, mirror: true };
  });
  const host = registry === 'docker.io' ? DOCKER_HUB_API_HOST : registry;
  const insecure = settings.hosts?.[registry]?.insecure === true;
  const upstream: Endpoint = {
    endpoint: new URL(`${insecure ? 'http' : 'https'}://${host}`),
    credentialHost: registry,
    mirror: false,
  };
  return [...mirrors, upstream];
}

/** `/v2/<name>/<rest>` on an endpoint; the name's slashes are path separators, not escaped. */
export function v2Url(endpoint: URL, repository: string, rest: string): URL {
  const path = repository.split('/').map(encodeURIComponent).join('/');
  return new URL(`/v2/${path}/${rest}`, endpoint);
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
