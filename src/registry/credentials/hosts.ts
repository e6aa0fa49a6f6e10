/**
 * Registry host matching for credential lookups. Docker config keys come in many spellings
 * (`https://index.docker.io/v1/`, `registry.example.com`, `http://host:5000/v2/`); Docker CLI
 * reduces each to its host (docker/cli `credentials.ConvertToHostname`) and so do we, then fold
 * the Docker Hub aliases to `docker.io` so a login made with any of them is found.
 */
import { DOCKER_HUB, DOCKER_HUB_ALIASES } from '../../image/index.js';

/** `host[:port]`, lower-case, Docker Hub aliases folded; the key spelling does not matter. */
export function registryHostOf(key: string): string {
  let host = key.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(host);
  if (scheme !== null) host = host.slice(scheme[0].length);
  const slash = host.indexOf('/');
  if (slash !== -1) host = host.slice(0, slash);
  host = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/**
 * The server URL a credential helper is asked about. Helpers store Docker Hub under Docker's
 * legacy index URL (what `docker login` writes), every other registry under its bare host.
 */
export function helperServerUrl(host: string): string {
  return registryHostOf(host) === DOCKER_HUB ? 'https://index.docker.io/v1/' : host;
}
